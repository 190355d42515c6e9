import { z } from "zod";
import { nonNegativeInt, percent, positiveInt, regexSource, slug } from "../config/fields";
import { DEFAULT_DISK_DEVICE_EXCLUDE } from "./diskstats";

/** A warning and a critical level; `critical` must not be below `warning`. */
function levels(defaults: { warning: number; critical: number }, value: z.ZodNumber = percent) {
  return z
    .strictObject({ warning: value.default(defaults.warning), critical: value.default(defaults.critical) })
    .refine((t) => t.critical >= t.warning, { error: "critical must be ≥ warning", path: ["critical"] })
    .prefault({});
}

/** Both levels spelled out: an opt-in threshold or a per-device/target override has no defaults. */
function explicitLevels(value: z.ZodNumber) {
  return z
    .strictObject({ warning: value, critical: value })
    .refine((t) => t.critical >= t.warning, { error: "critical must be ≥ warning", path: ["critical"] });
}

const loadPerCore = z.number({ error: "expected a number" }).nonnegative({ error: "expected a number ≥ 0" });
const nonNegative = z
  .number({ error: "expected a number ≥ 0" })
  .nonnegative({ error: "expected a number ≥ 0" });

/**
 * Disk I/O, per block device: utilisation is the share of wall time the device had I/O in flight
 * (Δ io_time / Δ t, node_exporter's `rate(node_disk_io_time_seconds_total)`); throughput is read +
 * written MB/s (10^6 bytes). Throughput has no default: what is a lot depends on the hardware.
 */
const diskIOThresholdsSchema = z.strictObject({
  utilization: levels({ warning: 85, critical: 95 }),
  throughputMBps: explicitLevels(nonNegative).optional(),
  /** Throughput hysteresis, in MB/s (utilisation uses `hysteresis`). */
  throughputHysteresisMBps: nonNegative.default(5),
  /** Per-device overrides, keyed by device name (`nvme0n1`). */
  devices: z
    .record(
      z.string().min(1),
      z.strictObject({
        utilization: explicitLevels(percent).optional(),
        throughputMBps: explicitLevels(nonNegative).optional(),
      }),
    )
    .default({}),
});

/** TCP connect time to `metrics.latency.targets`, in ms; a failed connect is critical. */
const latencyThresholdsSchema = z.strictObject({
  connectMs: levels({ warning: 100, critical: 500 }, nonNegative),
  hysteresisMs: nonNegative.default(20),
  /** Per-target overrides, keyed by target name. */
  targets: z.record(slug, explicitLevels(nonNegative)).default({}),
});

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
  diskIO: diskIOThresholdsSchema.prefault({}),
  latency: latencyThresholdsSchema.prefault({}),
});

export type Thresholds = z.output<typeof thresholdsSchema>;
export type ThresholdLevels = { warning: number; critical: number };

const latencyTargetSchema = z.strictObject({
  /** The `target` label and the alert subject: lower-case letters, digits and dashes. */
  name: slug,
  host: z
    .string({ error: "expected a host name or address" })
    .min(1, { error: "expected a host name or address" }),
  port: z
    .int({ error: "expected a port number between 1 and 65535" })
    .min(1, { error: "expected a port number between 1 and 65535" })
    .max(65_535, { error: "expected a port number between 1 and 65535" }),
});

/** Target names label series and key thresholds, so they must be unique. */
function uniqueNames(targets: ReadonlyArray<{ name: string }>, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  targets.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first === undefined) seen.set(t.name, i);
    else
      ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate name (also targets[${first}])` });
  });
}

export const metricsConfigSchema = z.strictObject({
  /** How many processes (by CPU) a snapshot lists; 0 skips the process table (it costs ~100 ms). */
  topProcesses: nonNegativeInt.max(50).default(5),
  /** Mount points to leave out of snapshots and thresholds (container overlays, snaps…). */
  ignoreMounts: z.array(z.string()).default([]),
  /** Block devices (by /proc/diskstats name) left out of disk I/O; node_exporter's default. */
  diskDevicesExclude: regexSource.default(DEFAULT_DISK_DEVICE_EXCLUDE),
  /** Fleet peers whose TCP connect time is measured each sample. */
  latency: z
    .strictObject({
      /** A connect not established within this long is failed (and bounds how long a sample waits). */
      timeoutMs: positiveInt.max(10_000, { error: "expected at most 10000 ms" }).default(2000),
      targets: z.array(latencyTargetSchema).default([]).superRefine(uniqueNames),
    })
    .prefault({}),
});

export type MetricsConfig = z.output<typeof metricsConfigSchema>;
