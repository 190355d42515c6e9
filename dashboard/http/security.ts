import { type Context, Hono, type MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { DashboardEnv } from "./env";

/**
 * One security policy for every response, from hono's secure-headers middleware: a CSP without
 * inline script or style (the page loads /assets/refresh.js and /assets/dashboard.css), no framing,
 * no referrer, nosniff, HSTS.
 */
const policy = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
});

/**
 * The policy's headers as a plain record, taken from the middleware itself once at start-up.
 * Cached responses carry them prebuilt: setting headers after the fact would force the Node
 * adapter off its fast path on the hottest routes.
 */
export async function securityHeaderRecord(): Promise<Record<string, string>> {
  const probe = new Hono().use(policy).get("/", (c) => c.body(null, 204));
  const response = await probe.request("/");
  return Object.fromEntries(response.headers);
}

/** Marks a response as already carrying the security headers (see `securityHeaders`). */
export function markPrebuilt(c: Context<DashboardEnv>): void {
  c.set("securityHeadersPrebuilt", true);
}

/** Applies the policy to every response that does not carry it prebuilt, errors included. */
export const securityHeaders: MiddlewareHandler<DashboardEnv> = async (c, next) => {
  await next();
  if (c.get("securityHeadersPrebuilt")) return;
  await policy(c, async () => {});
};
