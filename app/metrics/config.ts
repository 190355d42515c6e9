import { z } from "zod";
import { nonNegativeInt, percent } from "../config/fields";

/** A warning and a critical level; `critical` must not be below `warning`. */
function levels(defaults: { warning: number; critical: number }, value: z.ZodNumber = percent) {
  return z
    .strictObject({ warning: value.default(defaults.warning), critical: value.default(defaults.critical) })
    .refine((t) => t.critical >= t.warning, { error: "critical must be ≥ warning", path: ["critical"] })
    .prefault({});
}

const loadPerCore = z.number({ error: "expected a number" }).nonnegative({ error: "expected a number ≥ 0" });

/**
 * Host thresholds. Percentages are "used" ratios; load is load1 divided by the core count.
 * `hysteresis` is how far (in the metric's unit) a value must fall back below a level before
 * it clears, so a value hovering at a line does not flap.
 */
export const thresholdsSchema = z.strictObject({
  hysteresis: z.number().nonnegative().default(5),
  /** Load hysteresis, in load-per-core units. */
  loadHysteresis: z.number().nonnegative().default(0.2),
  cpu: levels({ warning: 85, critical: 95 }),
  memory: levels({ warning: 85, critical: 95 }),
  swap: levels({ warning: 50, critical: 80 }),
  load: levels({ warning: 1.5, critical: 3 }, loadPerCore),
  disk: levels({ warning: 80, critical: 90 }),
  /** Per-mount overrides of `disk`, keyed by mount point (`/var`). */
  mounts: z.record(z.string().startsWith("/"), levels({ warning: 80, critical: 90 })).default({}),
});

export type Thresholds = z.output<typeof thresholdsSchema>;
export type ThresholdLevels = { warning: number; critical: number };

export const metricsConfigSchema = z.strictObject({
  /** How many processes (by CPU) a snapshot lists; 0 skips the process table (it costs ~100 ms). */
  topProcesses: nonNegativeInt.max(50).default(5),
  /** Mount points to leave out of snapshots and thresholds (container overlays, snaps…). */
  ignoreMounts: z.array(z.string()).default([]),
});

export type MetricsConfig = z.output<typeof metricsConfigSchema>;
