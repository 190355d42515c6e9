export { type CompactOptions, type CompactReport, compactHistory } from "./compact";
export * from "./config";
export { HistoryDecodeCache } from "./decode-cache";
export { decodeEntries, type HistoryEntry, toHistoryEntry } from "./entry";
export * from "./keys";
export {
  type CheckHistoryView,
  loadCheckHistory,
  type PendingEntries,
  readCheckHistory,
  readPendingEntries,
  responseTimes,
  type UptimeWindow,
  type UptimeWindows,
} from "./read";
export { type DayStats, type LatencyPoint, latencySeries, statsOf, uptimeOf } from "./stats";
export { type CheckSummary, readSummary } from "./summary";
export { type LatestSnapshot, newRoundId, readLatest, writeRound } from "./write";
