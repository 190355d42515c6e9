import type { FormatDetection } from "./detect-format";
import type { DistinctKey } from "./distinct-counter";
import type { LogFormat } from "./formats";
import { findIncidents, type Incident, type IncidentRule } from "./incidents";
import { LEVELS, type Level } from "./levels";
import { ipv4ToString } from "./message-scan";
import type { FileTally, LineCounters, ScanState } from "./scan-state";

export type LevelCounts = Record<Level, number>;

export interface FileAnalysis {
  path: string;
  format: LogFormat;
  /** How the format was detected; null when it was given. */
  detection: FormatDetection | null;
  compressed: boolean;
  /** Size on disk. */
  sizeBytes: number;
  lines: LineCounters;
  levels: LevelCounts;
  /** Why reading stopped early (corrupt archive, read error); the lines before it still count. */
  error: string | null;
}

export interface HistogramBucket {
  /** Start of the minute or hour (ISO 8601, UTC). */
  start: string;
  lines: number;
  errors: number;
}

/** The result of `analyzeLogs`: one entry per file plus the combined summary. JSON-ready. */
export interface LogAnalysis {
  files: FileAnalysis[];
  lines: LineCounters;
  levels: LevelCounts;
  /** Matched lines at level error or fatal (5xx responses in access logs). */
  errors: number;
  errorTypes: {
    /** Counts are exact while `maxError` is 0. */
    maxError: number;
    top: { type: string; count: number }[];
  };
  clientIps: {
    /** Exact count, or a HyperLogLog estimate (±0.81 % standard error) when `exact` is false. */
    unique: number;
    exact: boolean;
    estimator: "exact" | "hyperloglog-p14";
    /** The top counts may undercount by up to this much (0 while exact). */
    maxError: number;
    top: { ip: string; count: number }[];
  };
  timeRange: { first: string | null; last: string | null };
  histogram: {
    interval: "minute" | "hour";
    buckets: HistogramBucket[];
    /** Lines in minutes beyond the bucket limit, left out of histogram and incidents. */
    droppedLines: number;
  };
  incidents: { rule: IncidentRule; items: Incident[] };
  topMessages: {
    maxError: number;
    items: { message: string; count: number }[];
  };
  durationMs: number;
}

export function levelCounts(levels: Float64Array): LevelCounts {
  const counts = {} as LevelCounts;
  LEVELS.forEach((level, i) => {
    counts[level] = levels[i] as number;
  });
  return counts;
}

function keyText(key: DistinctKey): string {
  return typeof key === "number" ? ipv4ToString(key) : key;
}

const HOUR_MINUTES = 60;
/** "auto" uses minutes for spans up to this long, hours beyond. */
const AUTO_MINUTE_SPAN_MS = 6 * 60 * 60 * 1000;

export interface SummaryOptions {
  top: number;
  histogram: "minute" | "hour" | "auto";
  incidents: IncidentRule;
}

/** Turns the merged summaries and the total tally into the reported analysis (all but the file list). */
export function summarize(
  state: ScanState,
  total: FileTally,
  options: SummaryOptions,
): Omit<LogAnalysis, "files" | "durationMs"> {
  const minutes = state.time.buckets();
  const span = state.lastTs - state.firstTs;
  const interval =
    options.histogram === "auto" ? (span > AUTO_MINUTE_SPAN_MS ? "hour" : "minute") : options.histogram;
  const buckets: HistogramBucket[] = [];
  const step = interval === "hour" ? HOUR_MINUTES : 1;
  for (const bucket of minutes) {
    const start = Math.floor(bucket.minute / step) * step;
    const last = buckets[buckets.length - 1];
    const iso = new Date(start * 60_000).toISOString();
    if (last && last.start === iso) {
      last.lines += bucket.lines;
      last.errors += bucket.errors;
    } else {
      buckets.push({ start: iso, lines: bucket.lines, errors: bucket.errors });
    }
  }
  const levels = levelCounts(total.levels);
  return {
    lines: { ...total.counters },
    levels,
    errors: levels.error + levels.fatal,
    errorTypes: {
      maxError: state.errorTypes.maxError,
      top: state.errorTypes.top(options.top).map((item) => ({ type: item.key, count: item.count })),
    },
    clientIps: {
      unique: state.ips.distinct,
      exact: state.ips.exact,
      estimator: state.ips.exact ? "exact" : "hyperloglog-p14",
      maxError: state.ips.maxError,
      top: state.ips.top(options.top).map((item) => ({ ip: keyText(item.key), count: item.count })),
    },
    timeRange: {
      first: Number.isNaN(state.firstTs) ? null : new Date(state.firstTs).toISOString(),
      last: Number.isNaN(state.lastTs) ? null : new Date(state.lastTs).toISOString(),
    },
    histogram: { interval, buckets, droppedLines: state.time.dropped },
    incidents: { rule: options.incidents, items: findIncidents(minutes, options.incidents) },
    topMessages: {
      maxError: state.messages.maxError,
      items: state.messages
        .top(options.top)
        .map((item) => ({ message: item.label ?? "", count: item.count })),
    },
  };
}
