import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { CheckResult } from "../checks/result";
import { checkResultSchema } from "../checks/result-schema";
import type { Store } from "../storage/store";
import { encodeEntries, toHistoryEntry } from "./entry";
import { LATEST_KEY, roundKey } from "./keys";

/** A short random id that keeps two rounds finishing in the same millisecond apart. */
export function newRoundId(): string {
  return randomBytes(5).toString("hex");
}

export const latestSnapshotSchema = z.object({
  updatedAt: z.string(),
  results: z.record(z.string(), checkResultSchema),
});
export type LatestSnapshot = z.output<typeof latestSnapshotSchema>;

/**
 * Persists one round: its own history object (never shared, so overlapping rounds cannot clobber
 * each other), then the latest-results snapshot the dashboard reads first.
 * Returns the key of the round object.
 */
export async function writeRound(
  store: Store,
  round: { roundId: string; finishedAt: Date; results: readonly CheckResult[] },
): Promise<string> {
  const key = roundKey(round.finishedAt, round.roundId);
  if (round.results.length > 0) {
    await store.put(key, encodeEntries(round.results.map((r) => toHistoryEntry(r, round.roundId))), {
      contentType: "application/x-ndjson",
    });
  }
  await updateLatest(store, round.results, round.finishedAt);
  return key;
}

/**
 * Merges results into the latest snapshot. It is a cache of the newest result per check, so a
 * lost update under overlapping rounds only means a slightly older "latest" until the next round.
 */
async function updateLatest(store: Store, results: readonly CheckResult[], at: Date): Promise<void> {
  const previous = await readLatest(store);
  const merged: Record<string, CheckResult> = {
    ...(previous?.results as Record<string, CheckResult> | undefined),
  };
  for (const result of results) {
    const old = merged[result.checkId];
    if (!old || old.startedAt <= result.startedAt) merged[result.checkId] = result;
  }
  const snapshot: LatestSnapshot = { updatedAt: at.toISOString(), results: merged };
  await store.put(LATEST_KEY, JSON.stringify(snapshot), { contentType: "application/json" });
}

/** The latest snapshot, or undefined when none was written yet or it is unreadable. */
export async function readLatest(store: Store): Promise<LatestSnapshot | undefined> {
  const body = await store.get(LATEST_KEY);
  if (!body) return undefined;
  try {
    const parsed = latestSnapshotSchema.safeParse(JSON.parse(body.toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
