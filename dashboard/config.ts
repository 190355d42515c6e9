import { z } from "zod";
import { positiveInt } from "../app/config/fields";
import { composeAppConfigSchema } from "../app/config/schema";

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
});

export type DashboardConfig = z.output<typeof dashboardConfigSchema>;

/**
 * The app config as the dashboard processes (`npm start`, the server image, Lambda) read it: the
 * monitoring and agent sections plus `dashboard`, so one document serves the whole deployment.
 */
export const dashboardAppConfigSchema = composeAppConfigSchema({ dashboard: dashboardConfigSchema });

export type DashboardAppConfig = z.output<typeof dashboardAppConfigSchema>;
