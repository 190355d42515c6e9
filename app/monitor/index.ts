/**
 * The monitoring engine's entry points for the dashboard, the Lambda handler, the CLI and the agent.
 * See docs/monitoring.md.
 */
export { type AdhocAlert, sendAdhocAlert } from "./adhoc";
export { type Agent, type AgentOptions, createAgent, takeMetricsSnapshot } from "./agent";
export { COMPACTION_MARKER_KEY, compactIfDue } from "./compaction";
export type { MonitorDeps } from "./deps";
export { checkObservations, heartbeatObservations, thresholdObservations } from "./observations";
export { type RoundOptions, type RoundReport, runChecksRound } from "./round";
export { type MonitorProcess, type StartOptions, startMonitor } from "./start";
export {
  type CheckStatusView,
  type OverallStatus,
  overallStatus,
  readStatusOverview,
  type StatusOverview,
} from "./status";
