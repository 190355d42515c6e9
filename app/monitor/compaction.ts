import { z } from "zod";
import type { MonitoringConfig } from "../config/schema";
import { type CompactReport, compactHistory } from "../history/compact";
import type { Store } from "../storage/store";

export const COMPACTION_MARKER_KEY = "state/checks/compaction.json";
const markerSchema = z.object({ lastRunAt: z.string() });

/**
 * Compacts history when the last compaction is older than `schedule.compactEveryMs`. For
 * processes without their own compaction timer (a Lambda round); a lost marker only means an
 * extra, harmless compaction.
 */
export async function compactIfDue(
  config: MonitoringConfig,
  store: Store,
  now: Date,
): Promise<CompactReport | undefined> {
  const body = await store.get(COMPACTION_MARKER_KEY);
  let last = 0;
  try {
    last = Date.parse(markerSchema.parse(JSON.parse(body?.toString("utf8") ?? "")).lastRunAt) || 0;
  } catch {
    last = 0; // missing or damaged: compact now
  }
  if (now.getTime() - last < config.schedule.compactEveryMs) return undefined;
  const report = await compactHistory(store, { retentionDays: config.history.retentionDays, now });
  await store.put(COMPACTION_MARKER_KEY, JSON.stringify({ lastRunAt: now.toISOString() }), {
    contentType: "application/json",
  });
  return report;
}
