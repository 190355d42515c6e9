import { z } from "zod";
import type { CheckResult } from "../checks/result";

/** One line of check history: a CheckResult trimmed to what history views need. */
export const historyEntrySchema = z.object({
  round: z.string(),
  checkId: z.string(),
  at: z.string(),
  status: z.enum(["up", "degraded", "down"]),
  durationMs: z.number(),
  statusCode: z.number().optional(),
  message: z.string(),
  attempts: z.number(),
  /** Names of the conditions that failed. */
  failed: z.array(z.string()).optional(),
  maintenance: z.string().optional(),
  certificateDaysLeft: z.number().optional(),
});

export type HistoryEntry = z.output<typeof historyEntrySchema>;

export function toHistoryEntry(result: CheckResult, round: string): HistoryEntry {
  const failed = result.conditions.filter((c) => !c.passed).map((c) => c.name);
  return {
    round,
    checkId: result.checkId,
    at: result.startedAt,
    status: result.status,
    durationMs: result.durationMs,
    ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
    message: result.message,
    attempts: result.attempts,
    ...(failed.length > 0 ? { failed } : {}),
    ...(result.maintenance ? { maintenance: result.maintenance } : {}),
    ...(result.certificate ? { certificateDaysLeft: result.certificate.daysLeft } : {}),
  };
}

export function encodeEntries(entries: readonly HistoryEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join("");
}

/**
 * Parses JSON Lines of history. A damaged line (a torn copy, a hand edit) is skipped and counted,
 * never fatal: one bad line must not hide a day of history.
 */
export function decodeEntries(text: string): { entries: HistoryEntry[]; skipped: number } {
  const entries: HistoryEntry[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const parsed = historyEntrySchema.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { entries, skipped };
}

/** Orders by time, then round; drops repeats of the same check in the same round. */
export function mergeEntries(...lists: ReadonlyArray<readonly HistoryEntry[]>): HistoryEntry[] {
  const byKey = new Map<string, HistoryEntry>();
  for (const list of lists) for (const e of list) byKey.set(`${e.round}|${e.checkId}`, e);
  return [...byKey.values()].sort((a, b) =>
    a.at < b.at ? -1 : a.at > b.at ? 1 : a.round < b.round ? -1 : a.round > b.round ? 1 : 0,
  );
}
