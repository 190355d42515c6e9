export * from "./config";
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
export { type HostSnapshot, hostSnapshotSchema } from "./snapshot";
export { type SystemSource, systemSource } from "./source";
export {
  evaluateThresholds,
  type Level,
  levelWithHysteresis,
  type ThresholdReading,
  ThresholdTracker,
} from "./thresholds";
