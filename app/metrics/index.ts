export * from "./config";
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
