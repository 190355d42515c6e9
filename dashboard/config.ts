import { z } from "zod";
import { nonNegativeInt, positiveInt } from "../app/config/fields";
import { composeAppConfigSchema } from "../app/config/schema";

/** One token bucket per client: `limit` requests at once, refilled evenly over `windowSeconds`. */
const bucketSchema = (limit: number, windowSeconds: number) =>
  z.strictObject({
    limit: positiveInt.max(100_000).default(limit),
    windowSeconds: positiveInt.max(86_400).default(windowSeconds),
  });

/** Per-client request limits, kept in this process's memory (docs/dashboard.md#rate-limiting). */
export const rateLimitConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Every request but /healthz (probes and the load balancer's health checks). */
  requests: bucketSchema(300, 60).prefault({}),
  /** Requests whose credentials were refused: a brute-force budget, far below `requests`. */
  failedSignIns: bucketSchema(5, 300).prefault({}),
  /** Clients remembered at once; bounds the memory an address-hopping client can make us spend. */
  maxClients: positiveInt.max(1_000_000).default(10_000),
  /**
   * Proxies in front of the dashboard that append to X-Forwarded-For (1 behind the ALB). 0 ignores
   * the header: any client can send one, so trusting it unasked would let each request pick its key.
   */
  trustedProxies: nonNegativeInt.max(10).default(0),
});

export type RateLimitConfig = z.output<typeof rateLimitConfigSchema>;

/** The `dashboard` section of the app config. The operator secret is never here: it is an env variable. */
export const dashboardConfigSchema = z.strictObject({
  /** Serve the status page, its JSON, history and badges without credentials (false = operators only). */
  publicStatus: z.boolean().default(true),
  /** Page title and heading. */
  title: z.string().min(1).max(100).default("opsdeck status"),
  /** How often an open page fetches fresh content, in seconds; 0 turns auto-refresh off. */
  refreshSeconds: z.int().min(0).max(3_600).default(30),
  /** How long a snapshot of the stored state is served before it is read again. */
  cacheTtlMs: positiveInt.min(100).max(600_000).default(5_000),
  /** The basic-auth user name for operators; the password is OPSDECK_DASHBOARD_TOKEN. */
  username: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[^:\s]+$/, { error: "expected a user name without spaces or colons" })
    .default("opsdeck"),
  rateLimit: rateLimitConfigSchema.prefault({}),
});

export type DashboardConfig = z.output<typeof dashboardConfigSchema>;

/**
 * The app config as the dashboard processes (`npm start`, the server image, Lambda) read it: the
 * monitoring and agent sections plus `dashboard`, so one document serves the whole deployment.
 */
export const dashboardAppConfigSchema = composeAppConfigSchema({ dashboard: dashboardConfigSchema });

export type DashboardAppConfig = z.output<typeof dashboardAppConfigSchema>;
