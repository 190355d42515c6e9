export * from "./config";
export { diskIOStats } from "./disk-io";
export {
  DEFAULT_DISK_DEVICE_EXCLUDE,
  type DiskCounters,
  DiskstatsFormatError,
  parseDiskstats,
} from "./diskstats";
export { type LatencyResult, type LatencyTarget, measureLatency, measureTcpConnect } from "./latency";
export {
  type BackupMetricsSource,
  createMetricsRegistry,
  type HostMetricsSource,
  type MetricsSources,
} from "./prometheus";
export { MetricsSampler, type SamplerOptions } from "./sampler";
export { type DiskIOStats, type HostSnapshot, hostSnapshotSchema, type LatencyStats } from "./snapshot";
export { readProcDiskstats, type SystemSource, systemSource } from "./source";
export {
  evaluateThresholds,
  type Level,
  levelWithHysteresis,
  type ThresholdReading,
  ThresholdTracker,
} from "./thresholds";
