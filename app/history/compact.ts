import pLimit from "p-limit";
import type { Store } from "../storage/store";
import { decodeEntries, encodeEntries, type HistoryEntry, mergeEntries } from "./entry";
import { dailyKey, dayOf, lastDays, parseDailyKey, ROUNDS_PREFIX, roundKeyTime } from "./keys";
import { statsOf } from "./stats";
import { emptySummary, readSummary, writeSummary } from "./summary";

export interface CompactOptions {
  retentionDays: number;
  now?: Date;
  /** Round objects younger than this are left for a later run (default 2 minutes). */
  graceMs?: number;
  /** Round objects merged per run, bounding memory after a long pause (default 5000). */
  maxRounds?: number;
  /** Parallel store requests (default 8). */
  concurrency?: number;
}

export interface CompactReport {
  roundsMerged: number;
  roundsKept: number;
  dailyFilesWritten: number;
  dailyFilesDeleted: number;
  summariesWritten: number;
  /** Damaged history lines that were dropped. */
  skippedLines: number;
  /** Another compactor got there first (a listed round object vanished); nothing was merged. */
  yielded: boolean;
}

/**
 * Merges round objects into per-check daily JSON Lines, applies retention and refreshes the
 * per-check summaries. Safe to run again at any time (idempotent) and next to another compactor:
 *
 * - only round objects written before a cutoff (now − grace, aligned to the minute) are merged,
 *   so concurrent compactors see the same, no longer growing set;
 * - a merge is `existing daily ∪ rounds`, deduplicated, in a fixed order: equal inputs give equal
 *   files, and a daily file only ever grows;
 * - if a listed round object has vanished, another compactor has merged it: this run yields;
 * - a round object is deleted only after the daily files were re-read and hold all its entries.
 */
export async function compactHistory(store: Store, options: CompactOptions): Promise<CompactReport> {
  const now = options.now ?? new Date();
  const limit = pLimit(options.concurrency ?? 8);
  const report: CompactReport = {
    roundsMerged: 0,
    roundsKept: 0,
    dailyFilesWritten: 0,
    dailyFilesDeleted: 0,
    summariesWritten: 0,
    skippedLines: 0,
    yielded: false,
  };
  await mergeRounds(store, now, options, limit, report);
  const keep = new Set(lastDays(now, options.retentionDays));
  const dailies = await applyRetention(store, keep, limit, report);
  await refreshSummaries(store, dailies, now, limit, report);
  return report;
}

type Limit = ReturnType<typeof pLimit>;

async function mergeRounds(
  store: Store,
  now: Date,
  options: CompactOptions,
  limit: Limit,
  report: CompactReport,
): Promise<void> {
  const cutoff = Math.floor((now.getTime() - (options.graceMs ?? 120_000)) / 60_000) * 60_000;
  const eligible: string[] = [];
  for await (const object of store.list(ROUNDS_PREFIX)) {
    const at = roundKeyTime(object.key);
    if (at && at.getTime() < cutoff) eligible.push(object.key);
  }
  eligible.sort();
  const roundKeys = eligible.slice(0, options.maxRounds ?? 5_000);
  if (roundKeys.length === 0) return;

  const bodies = await Promise.all(roundKeys.map((key) => limit(() => store.get(key))));
  if (bodies.some((b) => b === undefined)) {
    report.yielded = true;
    return;
  }
  // Group every entry by the daily file it belongs in, remembering which round object it came from.
  const groups = new Map<string, HistoryEntry[]>();
  const needs = new Map<string, Set<string>>(); // round key → "dailyKey|round|checkId" it needs present
  roundKeys.forEach((key, i) => {
    const { entries, skipped } = decodeEntries(bodies[i]?.toString("utf8") ?? "");
    report.skippedLines += skipped;
    const needed = new Set<string>();
    for (const entry of entries) {
      const target = dailyKey(entry.checkId, dayOf(new Date(entry.at)));
      const list = groups.get(target) ?? [];
      list.push(entry);
      groups.set(target, list);
      needed.add(`${target}|${entry.round}|${entry.checkId}`);
    }
    needs.set(key, needed);
  });

  await Promise.all(
    [...groups].map(([key, entries]) =>
      limit(async () => {
        const existing = await store.get(key);
        const old = existing ? decodeEntries(existing.toString("utf8")) : { entries: [], skipped: 0 };
        report.skippedLines += old.skipped;
        await store.put(key, encodeEntries(mergeEntries(old.entries, entries)), {
          contentType: "application/x-ndjson",
        });
        report.dailyFilesWritten++;
      }),
    ),
  );

  // Re-read what was written: delete a round object only if every entry it holds is on disk.
  const present = new Set<string>();
  await Promise.all(
    [...groups.keys()].map((key) =>
      limit(async () => {
        const body = await store.get(key);
        for (const e of decodeEntries(body?.toString("utf8") ?? "").entries)
          present.add(`${key}|${e.round}|${e.checkId}`);
      }),
    ),
  );
  await Promise.all(
    roundKeys.map((key) =>
      limit(async () => {
        const needed = needs.get(key) ?? new Set<string>();
        if ([...needed].every((n) => present.has(n))) {
          await store.delete(key);
          report.roundsMerged++;
        } else {
          report.roundsKept++;
        }
      }),
    ),
  );
}

/** Deletes daily files older than the retention window; returns the remaining ones by check. */
async function applyRetention(
  store: Store,
  keep: Set<string>,
  limit: Limit,
  report: CompactReport,
): Promise<Map<string, Map<string, number>>> {
  const dailies = new Map<string, Map<string, number>>(); // checkId → day → size
  const expired: string[] = [];
  for await (const object of store.list("checks/")) {
    const parsed = parseDailyKey(object.key);
    if (!parsed) continue;
    if (!keep.has(parsed.day)) {
      expired.push(object.key);
      continue;
    }
    const days = dailies.get(parsed.checkId) ?? new Map<string, number>();
    days.set(parsed.day, object.size);
    dailies.set(parsed.checkId, days);
  }
  await Promise.all(expired.map((key) => limit(() => store.delete(key))));
  report.dailyFilesDeleted += expired.length;
  return dailies;
}

/** Recomputes summary days whose daily file changed (by size) and drops days that are gone. */
async function refreshSummaries(
  store: Store,
  dailies: Map<string, Map<string, number>>,
  now: Date,
  limit: Limit,
  report: CompactReport,
): Promise<void> {
  await Promise.all(
    [...dailies].map(([checkId, days]) =>
      limit(async () => {
        const summary = (await readSummary(store, checkId)) ?? emptySummary(checkId, now);
        let changed = false;
        for (const day of Object.keys(summary.days)) {
          if (!days.has(day)) {
            delete summary.days[day];
            changed = true;
          }
        }
        for (const [day, size] of days) {
          if (summary.days[day]?.bytes === size) continue;
          const body = await store.get(dailyKey(checkId, day));
          if (!body) continue;
          const { entries } = decodeEntries(body.toString("utf8"));
          summary.days[day] = { ...statsOf(day, entries), bytes: body.length };
          changed = true;
        }
        if (changed) {
          summary.updatedAt = now.toISOString();
          await writeSummary(store, summary);
          report.summariesWritten++;
        }
      }),
    ),
  );
}
