import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "../../app/lib/logger";
import type { RateLimitConfig } from "../config";
import { clientAddress } from "../http/client-address";
import type { DashboardEnv } from "../http/env";
import { TooManyRequests } from "../http/too-many-requests";
import { TokenBucketLimiter } from "./token-bucket";

/** What the auth middleware asks before and tells after checking credentials. */
export interface SignInGuard {
  /** Throws a 429 while the client has no failed attempts left, whatever credentials it sends now. */
  assertAllowed(c: Context): void;
  /** Spends one failed attempt; successful sign-ins never call it. */
  recordFailure(c: Context): void;
}

export interface RateLimits {
  /** Counts every request but /healthz against the client's request budget. */
  requests: MiddlewareHandler<DashboardEnv>;
  signIns: SignInGuard;
}

/** Probes and load-balancer health checks come from a few addresses, often; they must not be refused. */
const UNLIMITED_PATHS = new Set(["/healthz"]);

const passThrough: MiddlewareHandler<DashboardEnv> = (_c, next) => next();

/** The dashboard's two per-client budgets, from the `dashboard.rateLimit` config. */
export function createRateLimits(config: RateLimitConfig, now: () => number, logger: Logger): RateLimits {
  if (!config.enabled) return { requests: passThrough, signIns: { assertAllowed() {}, recordFailure() {} } };
  const limiter = (bucket: RateLimitConfig["requests"]) =>
    new TokenBucketLimiter({
      limit: bucket.limit,
      windowMs: bucket.windowSeconds * 1000,
      maxClients: config.maxClients,
      now,
    });
  const requests = limiter(config.requests);
  const failed = limiter(config.failedSignIns);
  const client = (c: Context) => clientAddress(c, config.trustedProxies);

  return {
    requests: async (c, next) => {
      if (UNLIMITED_PATHS.has(c.req.path)) return next();
      const decision = requests.take(client(c));
      if (!decision.allowed) {
        throw new TooManyRequests(decision.retryAfterSeconds, "too many requests: slow down and retry later");
      }
      await next();
    },
    signIns: {
      assertAllowed(c) {
        const decision = failed.peek(client(c));
        if (!decision.allowed) {
          throw new TooManyRequests(
            decision.retryAfterSeconds,
            "too many failed sign-ins from this address: retry later",
          );
        }
      },
      recordFailure(c) {
        const address = client(c);
        const decision = failed.take(address);
        // Once per lockout (the attempt that spent the last token), so a guessing client cannot flood the log.
        if (decision.allowed && decision.remaining === 0) {
          logger.warn(
            { client: address, failedSignIns: config.failedSignIns },
            "too many failed sign-ins: client locked out",
          );
        }
      },
    },
  };
}
