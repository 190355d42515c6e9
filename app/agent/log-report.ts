import type { LevelCounts } from "../logs";
import type { Store } from "../storage";
import type { FileWindowCounts, WindowCounts } from "./log-window";

export function logReportKey(host: string): string {
  return `hosts/${host}.logs.json`;
}

/**
 * `hosts/<host>.logs.json`: recent log error counts for the dashboard's fleet view. Written whole by
 * the host's agent only (one writer), every `logs.reportEveryMs`.
 */
export interface LogReport {
  version: 1;
  host: string;
  updatedAt: string;
  /** The window the counts cover, ending at `updatedAt`. */
  windowMinutes: number;
  /** When counting began: later than `updatedAt − windowMinutes` while the agent is young. */
  since: string;
  lines: number;
  /** error + fatal lines (5xx responses in access logs). */
  errors: number;
  warnings: number;
  levels: LevelCounts;
  files: FileWindowCounts[];
  /** Error lines by type (`DiskFull`, `HTTP 503`), most frequent first. */
  errorTypes: { type: string; count: number }[];
  /** The same list under the name the dashboard reads: the most frequent errors, by type. */
  topErrors: { message: string; count: number }[];
}

export function buildLogReport(host: string, windowMinutes: number, counts: WindowCounts): LogReport {
  return {
    version: 1,
    host,
    updatedAt: counts.until,
    windowMinutes,
    since: counts.since,
    lines: counts.lines,
    errors: counts.errors,
    warnings: counts.warnings,
    levels: counts.levels,
    files: counts.files,
    errorTypes: counts.errorTypes,
    topErrors: counts.errorTypes.map((item) => ({ message: item.type, count: item.count })),
  };
}

export async function writeLogReport(store: Store, report: LogReport): Promise<void> {
  await store.put(logReportKey(report.host), `${JSON.stringify(report)}\n`, {
    contentType: "application/json",
  });
}
