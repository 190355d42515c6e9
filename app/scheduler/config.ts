import { z } from "zod";
import { positiveInt } from "../config/fields";

/** How often the long-running process does each job. */
export const scheduleConfigSchema = z.strictObject({
  checksEveryMs: positiveInt.min(1_000).default(60_000),
  /** systeminformation refresh; a full refresh costs ~40 ms, so never faster than every 2 s. */
  metricsEveryMs: positiveInt.min(2_000, { error: "expected at least 2000 (2 s)" }).default(5_000),
  heartbeatEveryMs: positiveInt.min(1_000).default(30_000),
  /** Merging round files into daily history files. */
  compactEveryMs: positiveInt.min(10_000).default(600_000),
  /** How long shutdown waits for running jobs before giving up. */
  shutdownGraceMs: positiveInt.default(20_000),
});

export type ScheduleConfig = z.output<typeof scheduleConfigSchema>;
