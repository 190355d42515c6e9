import pLimit from "p-limit";
import type { Store } from "../storage/store";
import type { HistoryDecodeCache } from "./decode-cache";
import { decodeEntries, type HistoryEntry, mergeEntries } from "./entry";
import { dailyKey, dayOf, lastDays, ROUNDS_PREFIX } from "./keys";
import { type DayStats, type LatencyPoint, latencySeries, statsOf, sumStats, uptimeOf } from "./stats";
import { readSummary } from "./summary";

const DAY_MS = 86_400_000;

/** Entries of rounds not compacted yet, by check id. Read once and share across checks. */
export type PendingEntries = Map<string, HistoryEntry[]>;

/** Lines of a stored history object, through `cache` when the caller keeps one. */
function decodeObject(key: string, body: Buffer, cache: HistoryDecodeCache | undefined) {
  return cache ? cache.entries(key, body) : decodeEntries(body.toString("utf8")).entries;
}

export async function readPendingEntries(
  store: Store,
  concurrency = 8,
  cache?: HistoryDecodeCache,
): Promise<PendingEntries> {
  const keys: string[] = [];
  for await (const object of store.list(ROUNDS_PREFIX)) keys.push(object.key);
  const limit = pLimit(concurrency);
  // A round object that vanishes between list and get was just compacted: its entries are in a daily file.
  const bodies = await Promise.all(keys.map((key) => limit(() => store.get(key))));
  const byCheck: PendingEntries = new Map();
  for (const [i, body] of bodies.entries()) {
    if (!body) continue;
    for (const entry of decodeObject(keys[i] as string, body, cache)) {
      const list = byCheck.get(entry.checkId) ?? [];
      list.push(entry);
      byCheck.set(entry.checkId, list);
    }
  }
  return byCheck;
}

async function readDaily(
  store: Store,
  checkId: string,
  day: string,
  cache?: HistoryDecodeCache,
): Promise<readonly HistoryEntry[]> {
  const key = dailyKey(checkId, day);
  const body = await store.get(key);
  return body ? decodeObject(key, body, cache) : [];
}

/** Raw history of one check between `from` and `to` (inclusive), oldest first. */
export async function readCheckHistory(
  store: Store,
  checkId: string,
  range: { from: Date; to: Date; pending?: PendingEntries },
): Promise<HistoryEntry[]> {
  const days: string[] = [];
  for (let t = Date.parse(`${dayOf(range.from)}T00:00:00Z`); t <= range.to.getTime(); t += DAY_MS) {
    days.push(dayOf(new Date(t)));
  }
  const limit = pLimit(8);
  const daily = await Promise.all(days.map((day) => limit(() => readDaily(store, checkId, day))));
  const pending = (range.pending ?? (await readPendingEntries(store))).get(checkId) ?? [];
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  return mergeEntries(...daily, pending).filter((e) => e.at >= from && e.at <= to);
}

export interface UptimeWindow {
  /** Ratio in [0, 1]; null when nothing was measured in the window. */
  ratio: number | null;
  total: number;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
}

export type UptimeWindows = Record<"24h" | "7d" | "30d" | "90d", UptimeWindow>;

/** Everything the dashboard shows for one check's history, from a handful of reads. */
export interface CheckHistoryView {
  checkId: string;
  /** Raw entries since the start of yesterday (UTC), oldest first. */
  recent: HistoryEntry[];
  /** One entry per UTC day, oldest first, ending today; days without data have total 0. */
  days: Array<DayStats & { uptime: number | null }>;
  /** 24h is a rolling window over raw entries; 7d/30d/90d are whole UTC days including today. */
  uptime: UptimeWindows;
}

/**
 * Loads one check's history view: its summary (one object for 90 days of aggregates), the daily
 * files of today and yesterday, and the not-yet-compacted rounds. A cold read is a few small
 * objects per check however long the history is.
 */
export async function loadCheckHistory(
  store: Store,
  checkId: string,
  options: {
    now?: Date;
    days?: number;
    pending?: PendingEntries;
    /** Kept by a caller that reads the same history again and again (see HistoryDecodeCache). */
    decodeCache?: HistoryDecodeCache;
  } = {},
): Promise<CheckHistoryView> {
  const now = options.now ?? new Date();
  const span = Math.max(options.days ?? 90, 2);
  const dayList = lastDays(now, span);
  const today = dayList[dayList.length - 1] as string;
  const yesterday = dayList[dayList.length - 2] as string;
  const [summary, todays, yesterdays, pending] = await Promise.all([
    readSummary(store, checkId),
    readDaily(store, checkId, today, options.decodeCache),
    readDaily(store, checkId, yesterday, options.decodeCache),
    options.pending ?? readPendingEntries(store, 8, options.decodeCache),
  ]);
  const nowIso = now.toISOString();
  const recent = mergeEntries(yesterdays, todays, pending.get(checkId) ?? []).filter(
    (e) => e.at >= `${yesterday}T00:00:00.000Z` && e.at <= nowIso,
  );
  const rawDays = new Map<string, HistoryEntry[]>();
  for (const e of recent) {
    const day = e.at.slice(0, 10);
    const list = rawDays.get(day);
    if (list) list.push(e);
    else rawDays.set(day, [e]);
  }
  const days = dayList.map((day) => {
    const raw = rawDays.get(day);
    const stats = raw ? statsOf(day, raw) : (summary?.days[day] ?? statsOf(day, []));
    const { bytes: _bytes, ...rest } = stats;
    return { ...rest, uptime: uptimeOf(stats) };
  });
  const since24h = new Date(now.getTime() - DAY_MS).toISOString();
  const window = (stats: DayStats): UptimeWindow => ({
    ratio: uptimeOf(stats),
    total: stats.total,
    up: stats.up,
    degraded: stats.degraded,
    down: stats.down,
    maintenance: stats.maintenance,
  });
  const lastN = (n: number) => sumStats(`${n}d`, days.slice(-n));
  return {
    checkId,
    recent,
    days,
    uptime: {
      "24h": window(
        statsOf(
          "24h",
          recent.filter((e) => e.at >= since24h),
        ),
      ),
      "7d": window(lastN(7)),
      "30d": window(lastN(30)),
      "90d": window(lastN(90)),
    },
  };
}

/** Response-time series over the last `hours` of a view, in buckets of `bucketMs`. */
export function responseTimes(
  view: CheckHistoryView,
  options: { now?: Date; hours?: number; bucketMs?: number } = {},
): LatencyPoint[] {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - (options.hours ?? 24) * 3_600_000).toISOString();
  return latencySeries(
    view.recent.filter((e) => e.at >= since),
    options.bucketMs ?? 600_000,
  );
}
