/**
 * Store layout of check history (pure key builders, so readers and writers agree):
 *
 *   checks/_rounds/<day>/<finished>-<roundId>.jsonl  one object per round: every result of that round
 *   checks/<checkId>/<day>.jsonl                     compacted daily history of one check
 *   checks/<checkId>/summary.json                    per-day aggregates (uptime bars, long windows)
 *   state/checks/latest.json                         the newest result of every check
 *
 * A round never rewrites a shared object, so overlapping rounds cannot lose each other's results;
 * compaction merges round objects into daily files later (see compact.ts). Check ids cannot start
 * with `_`, so `_rounds` never collides with a check.
 */

export const ROUNDS_PREFIX = "checks/_rounds/";
export const LATEST_KEY = "state/checks/latest.json";

/** `YYYY-MM-DD` in UTC. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A compact, sortable UTC timestamp for keys: `20261121T101500123Z`. */
export function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, "");
}

export function parseStamp(stamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(stamp);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function roundKey(finishedAt: Date, roundId: string): string {
  return `${ROUNDS_PREFIX}${dayOf(finishedAt)}/${stampOf(finishedAt)}-${roundId}.jsonl`;
}

/** When a round object was written, from its key; undefined for keys that are not round objects. */
export function roundKeyTime(key: string): Date | undefined {
  if (!key.startsWith(ROUNDS_PREFIX)) return undefined;
  const name = key.slice(key.lastIndexOf("/") + 1);
  return parseStamp(name.split("-")[0] ?? "");
}

export function dailyKey(checkId: string, day: string): string {
  return `checks/${checkId}/${day}.jsonl`;
}

export function summaryKey(checkId: string): string {
  return `checks/${checkId}/summary.json`;
}

/** `{ checkId, day }` for a daily history key, undefined for anything else. */
export function parseDailyKey(key: string): { checkId: string; day: string } | undefined {
  const m = /^checks\/([a-z0-9][a-z0-9-]*)\/(\d{4}-\d{2}-\d{2})\.jsonl$/.exec(key);
  return m?.[1] && m[2] ? { checkId: m[1], day: m[2] } : undefined;
}

/** The `n` UTC days ending with `now`'s day, oldest first. */
export function lastDays(now: Date, n: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: n }, (_, i) => dayOf(new Date(today - (n - 1 - i) * 86_400_000)));
}
