import type { MiddlewareHandler } from "hono";
import { basicAuth } from "hono/basic-auth";
import { bearerAuth } from "hono/bearer-auth";
import { some } from "hono/combine";
import { HTTPException } from "hono/http-exception";
import { ValidationError } from "../app/lib/validation";
import type { DashboardEnv } from "./http/env";
import { requestHeader } from "./http/request-header";
import type { SignInGuard } from "./rate-limit/limits";

export type { Viewer } from "./auth-types";

export interface AuthOptions {
  /** OPSDECK_DASHBOARD_TOKEN; undefined or empty = operator views are refused, never open. */
  token: string | undefined;
  /** The basic-auth user name (the password is the token). */
  username: string;
  /** Whether the status page, its JSON, history and badges are served without credentials. */
  publicStatus: boolean;
  /** Locks a client out after too many refused credentials (dashboard/rate-limit/limits.ts). */
  signIns?: SignInGuard;
}

/** What hono's bearer middleware accepts as a token (RFC 6750 b64token). */
const BEARER_TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

export interface Auth {
  /** Operators only: bearer token or basic auth, compared in constant time by hono's middlewares. */
  operator: MiddlewareHandler<DashboardEnv>;
  /**
   * Anyone while the public status page is on (as `public`), operators with valid credentials (as
   * `operator`, seeing non-public checks too). Credentials that are sent are always checked: a wrong
   * token is refused, not silently downgraded to the public view.
   */
  viewer: MiddlewareHandler<DashboardEnv>;
}

export function createAuth(options: AuthOptions): Auth {
  const token = options.token === "" ? undefined : options.token;
  if (token !== undefined && !BEARER_TOKEN.test(token)) {
    throw new ValidationError("environment", [
      {
        path: "OPSDECK_DASHBOARD_TOKEN",
        message: "use only letters, digits and . _ ~ + / - (it is sent as a bearer token)",
      },
    ]);
  }
  const realm = "opsdeck";
  const verify = token
    ? some(bearerAuth({ token, realm }), basicAuth({ username: options.username, password: token, realm }))
    : undefined;

  const operator: Auth["operator"] = async (c, next) => {
    if (!verify) {
      throw new HTTPException(403, {
        message: "operator access is not configured: set OPSDECK_DASHBOARD_TOKEN on the server",
      });
    }
    options.signIns?.assertAllowed(c);
    let verified = false;
    try {
      await verify(c, async () => {
        verified = true;
        c.set("viewer", "operator");
        await next();
      });
    } catch (error) {
      // Only refused credentials count: a first visit without any is the browser asking for the prompt,
      // and a failure after sign-in belongs to the route, not to the client's guesses.
      if (!verified && error instanceof HTTPException && requestHeader(c, "authorization") !== undefined) {
        options.signIns?.recordFailure(c);
      }
      throw error;
    }
  };

  const viewer: Auth["viewer"] = async (c, next) => {
    if (!options.publicStatus || requestHeader(c, "authorization") !== undefined) return operator(c, next);
    c.set("viewer", "public");
    await next();
  };

  return { operator, viewer };
}
