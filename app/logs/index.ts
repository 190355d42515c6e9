/** Log analysis, follow mode and rotation: the API the CLI and the agent build on. */
export type { FileAnalysis, HistogramBucket, LevelCounts, LogAnalysis } from "./analysis-result";
export { type AnalyzeOptions, type AnalyzeProgress, analyzeLogs } from "./analyze";
export { analyzeOptionsSchema } from "./analyze-options";
export { DETECTION_SAMPLE_LINES, detectFormat, type FormatDetection } from "./detect-format";
export { LogFileError, RotationError } from "./errors";
export { type FollowOptions, followLog, type RotationEvent } from "./follow";
export { LOG_FORMATS, type LogFormat } from "./formats";
export type { Incident, IncidentRule } from "./incidents";
export { LEVELS, type Level } from "./levels";
export type { TextLine } from "./line-splitter";
export { type LiveAnalysisOptions, LiveLogAnalysis } from "./live-analysis";
export {
  type OutputFormat,
  renderAnalysis,
  renderAnalysisTable,
  renderRotation,
  renderTable,
} from "./render";
export {
  type RotateOptions,
  type RotationResult,
  rotateLog,
  rotateOptionsSchema,
} from "./rotate";
export { decideRotation, parseArchiveName, selectExpired } from "./rotation-policy";
