import { z } from "zod";

/**
 * A host's metrics at one moment: what the agent sends as its heartbeat, what the fleet view
 * shows, and what the Prometheus exposition reads. Byte counts are bytes, rates per second,
 * percentages 0–100. Process command lines are left out on purpose: they can carry secrets.
 */
export const hostSnapshotSchema = z.object({
  host: z.string(),
  takenAt: z.string(),
  uptimeSeconds: z.number(),
  cpu: z.object({
    cores: z.number(),
    /** Busy percentage across all cores since the previous sample. */
    usedPercent: z.number(),
    perCore: z.array(z.number()),
    /** Cumulative seconds per core and mode (node_cpu_seconds_total). */
    seconds: z.array(
      z.object({ user: z.number(), nice: z.number(), system: z.number(), idle: z.number(), irq: z.number() }),
    ),
  }),
  load: z.object({ load1: z.number(), load5: z.number(), load15: z.number() }),
  memory: z.object({
    totalBytes: z.number(),
    availableBytes: z.number(),
    freeBytes: z.number(),
    usedBytes: z.number(),
    buffersBytes: z.number(),
    cachedBytes: z.number(),
    usedPercent: z.number(),
  }),
  swap: z.object({
    totalBytes: z.number(),
    usedBytes: z.number(),
    freeBytes: z.number(),
    usedPercent: z.number(),
  }),
  filesystems: z.array(
    z.object({
      mount: z.string(),
      device: z.string(),
      type: z.string(),
      sizeBytes: z.number(),
      usedBytes: z.number(),
      availableBytes: z.number(),
      usedPercent: z.number(),
    }),
  ),
  network: z.array(
    z.object({
      device: z.string(),
      rxBytes: z.number(),
      txBytes: z.number(),
      /** null on the first sample or after a counter reset. */
      rxBytesPerSecond: z.number().nullable(),
      txBytesPerSecond: z.number().nullable(),
    }),
  ),
  processes: z.array(
    z.object({ pid: z.number(), name: z.string(), cpuPercent: z.number(), memPercent: z.number() }),
  ),
  /**
   * Block devices from /proc/diskstats (cumulative counters, node_exporter units, plus rates since
   * the previous sample). Absent where there is no /proc/diskstats (not Linux) and in heartbeats
   * from agents older than this field.
   */
  diskIO: z
    .array(
      z.object({
        device: z.string(),
        readsCompleted: z.number(),
        writesCompleted: z.number(),
        readBytes: z.number(),
        writtenBytes: z.number(),
        readTimeSeconds: z.number(),
        writeTimeSeconds: z.number(),
        ioTimeSeconds: z.number(),
        /** null on the first sample or after a counter reset, like the network rates. */
        readBytesPerSecond: z.number().nullable(),
        writeBytesPerSecond: z.number().nullable(),
        /** Share of the interval the device had I/O in flight, 0–100. */
        ioUtilizationPercent: z.number().nullable(),
      }),
    )
    .optional(),
  /** TCP connect time to each `metrics.latency` target; absent when none is configured. */
  latency: z
    .array(
      z.object({
        target: z.string(),
        address: z.string(),
        up: z.boolean(),
        connectSeconds: z.number().nullable(),
        error: z.string().optional(),
      }),
    )
    .optional(),
});

export type HostSnapshot = z.output<typeof hostSnapshotSchema>;
export type DiskIOStats = NonNullable<HostSnapshot["diskIO"]>[number];
export type LatencyStats = NonNullable<HostSnapshot["latency"]>[number];
