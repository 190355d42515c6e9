import { z } from "zod";
import { isoTimestamp, nonNegativeInt, positiveInt, slug } from "../config/fields";

/** When an alert opens, resolves and reminds. Applies to checks, hosts and metric thresholds alike. */
export const alertRulesSchema = z.strictObject({
  /** Consecutive failures before an alert opens (1 = on the first failure). */
  openAfter: positiveInt.default(3),
  /** Consecutive successes before an open alert resolves. */
  resolveAfter: positiveInt.default(2),
  /** Send a notice when an alert resolves. */
  notifyResolved: z.boolean().default(true),
  /** Re-notify while an alert stays open; 0 disables reminders. */
  remindEveryMs: nonNegativeInt.default(3_600_000),
  /** Notifier names to use; empty means every configured notifier. */
  notifiers: z.array(slug).default([]),
});

export type AlertRules = z.output<typeof alertRulesSchema>;

/** Per-check overrides of the global rules. */
export const alertRulesOverrideSchema = alertRulesSchema.partial();
export type AlertRulesOverride = z.output<typeof alertRulesOverrideSchema>;

/**
 * A planned maintenance window: alerts for the checks and hosts it covers are suppressed
 * (and the suppression recorded) between `start` and `end`.
 */
export const maintenanceWindowSchema = z
  .strictObject({
    id: slug,
    title: z.string().min(1),
    start: isoTimestamp,
    end: isoTimestamp,
    /** Check ids covered. With `hosts` also empty, the window covers every check and host. */
    checks: z.array(slug).default([]),
    /** Host names covered. With `checks` also empty, the window covers every check and host. */
    hosts: z.array(z.string().min(1)).default([]),
  })
  .refine((w) => w.end.getTime() > w.start.getTime(), { error: "end must be after start", path: ["end"] });

export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;
