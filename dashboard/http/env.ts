import type { Viewer } from "../auth-types";

/** The Hono environment of the dashboard app: what middlewares leave on the request context. */
export type DashboardEnv = {
  Variables: {
    /** Set by the auth middlewares. */
    viewer: Viewer;
    /** Set when a response already carries the security headers (see http/security.ts). */
    securityHeadersPrebuilt?: boolean;
  };
};
