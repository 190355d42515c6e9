import type { HistoryEntry } from "./entry";

/** Aggregates of one check over one UTC day. */
export interface DayStats {
  day: string;
  total: number;
  up: number;
  degraded: number;
  down: number;
  /** Results taken inside a maintenance window: kept out of the status counts and uptime. */
  maintenance: number;
  avgMs: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** Size of the daily file these were computed from, so a stale summary can be detected. */
  bytes?: number;
}

function emptyStats(day: string): DayStats {
  return {
    day,
    total: 0,
    up: 0,
    degraded: 0,
    down: 0,
    maintenance: 0,
    avgMs: null,
    p95Ms: null,
    maxMs: null,
  };
}

/** Pure aggregation; `entries` may be in any order. */
export function statsOf(day: string, entries: readonly HistoryEntry[]): DayStats {
  const stats = emptyStats(day);
  const durations: number[] = [];
  for (const e of entries) {
    stats.total++;
    if (e.maintenance) stats.maintenance++;
    else stats[e.status]++;
    if (e.status !== "down") durations.push(e.durationMs);
  }
  if (durations.length > 0) {
    durations.sort((a, b) => a - b);
    stats.avgMs = round(durations.reduce((s, d) => s + d, 0) / durations.length);
    stats.p95Ms = durations[Math.min(durations.length - 1, Math.ceil(durations.length * 0.95) - 1)] ?? null;
    stats.maxMs = durations[durations.length - 1] ?? null;
  }
  return stats;
}

/** Sums counts across days (latency fields are not additive and are left null). */
export function sumStats(label: string, days: readonly DayStats[]): DayStats {
  const out = emptyStats(label);
  for (const d of days) {
    out.total += d.total;
    out.up += d.up;
    out.degraded += d.degraded;
    out.down += d.down;
    out.maintenance += d.maintenance;
  }
  return out;
}

/**
 * Uptime as a ratio in [0, 1]: degraded counts as available (it answered), down does not,
 * maintenance is left out. null when there is nothing to judge.
 */
export function uptimeOf(stats: Pick<DayStats, "up" | "degraded" | "down">): number | null {
  const judged = stats.up + stats.degraded + stats.down;
  return judged === 0 ? null : (stats.up + stats.degraded) / judged;
}

export interface LatencyPoint {
  /** Bucket start, ISO. */
  at: string;
  avgMs: number;
  maxMs: number;
  count: number;
}

/** Average and max response time per time bucket (down results excluded: a timeout is not a latency). */
export function latencySeries(entries: readonly HistoryEntry[], bucketMs: number): LatencyPoint[] {
  const buckets = new Map<number, { sum: number; max: number; count: number }>();
  for (const e of entries) {
    if (e.status === "down") continue;
    const start = Math.floor(Date.parse(e.at) / bucketMs) * bucketMs;
    const b = buckets.get(start) ?? { sum: 0, max: 0, count: 0 };
    b.sum += e.durationMs;
    b.max = Math.max(b.max, e.durationMs);
    b.count++;
    buckets.set(start, b);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, b]) => ({
      at: new Date(start).toISOString(),
      avgMs: round(b.sum / b.count),
      maxMs: b.max,
      count: b.count,
    }));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
