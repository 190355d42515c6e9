import type { MinuteBucket } from "./time-buckets";

export interface IncidentRule {
  /** A minute is "hot" when it holds at least this many error lines. */
  errorsPerMinute: number;
  /** Hot minutes separated by at most this many calmer minutes belong to one incident. */
  mergeGapMinutes: number;
}

export interface Incident {
  /** Time of the first error in the first hot minute (ISO 8601). */
  start: string;
  /** Time of the last error in the last hot minute. */
  end: string;
  durationMs: number;
  /** Error lines in the incident's minutes, including calmer minutes inside it. */
  errors: number;
  lines: number;
  /** Highest error count of any one minute. */
  peakErrorsPerMinute: number;
  hotMinutes: number;
}

/**
 * Incidents are spans of consecutive "hot" minutes — minutes whose error count reaches
 * `errorsPerMinute` — where gaps of up to `mergeGapMinutes` calmer minutes do not split a span.
 * Buckets must be in time order (TimeBuckets.buckets() is). Minute granularity keeps the state
 * bounded however many errors a file holds; a burst straddling a minute boundary is split across
 * two minutes, which is why the threshold is per minute rather than per sliding window.
 */
export function findIncidents(buckets: readonly MinuteBucket[], rule: IncidentRule): Incident[] {
  const incidents: Incident[] = [];
  let current: {
    first: MinuteBucket;
    last: MinuteBucket;
    errors: number;
    lines: number;
    peak: number;
    hot: number;
  } | null = null;
  let pendingErrors = 0;
  let pendingLines = 0;

  const close = () => {
    if (!current) return;
    const start = current.first.firstError;
    const end = current.last.lastError;
    incidents.push({
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      durationMs: end - start,
      errors: current.errors,
      lines: current.lines,
      peakErrorsPerMinute: current.peak,
      hotMinutes: current.hot,
    });
    current = null;
    pendingErrors = 0;
    pendingLines = 0;
  };

  for (const bucket of buckets) {
    const hot = bucket.errors >= rule.errorsPerMinute && bucket.errors > 0;
    if (current && bucket.minute - current.last.minute > rule.mergeGapMinutes + 1) close();
    if (!hot) {
      if (current) {
        pendingErrors += bucket.errors;
        pendingLines += bucket.lines;
      }
      continue;
    }
    if (!current) {
      current = { first: bucket, last: bucket, errors: 0, lines: 0, peak: 0, hot: 0 };
    } else {
      current.errors += pendingErrors;
      current.lines += pendingLines;
    }
    pendingErrors = 0;
    pendingLines = 0;
    current.last = bucket;
    current.errors += bucket.errors;
    current.lines += bucket.lines;
    current.peak = Math.max(current.peak, bucket.errors);
    current.hot++;
  }
  close();
  return incidents;
}
