import { z } from "zod";
import type { Store } from "../storage/store";
import { summaryKey } from "./keys";
import type { DayStats } from "./stats";

const dayStatsSchema = z.object({
  day: z.string(),
  total: z.number(),
  up: z.number(),
  degraded: z.number(),
  down: z.number(),
  maintenance: z.number(),
  avgMs: z.number().nullable(),
  p95Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
  bytes: z.number().optional(),
});

export const checkSummarySchema = z.object({
  checkId: z.string(),
  updatedAt: z.string(),
  days: z.record(z.string(), dayStatsSchema),
});

/** Per-day aggregates of one check, derived from its daily files and rebuilt from them at will. */
export type CheckSummary = z.output<typeof checkSummarySchema>;

export async function readSummary(store: Store, checkId: string): Promise<CheckSummary | undefined> {
  const body = await store.get(summaryKey(checkId));
  if (!body) return undefined;
  try {
    const parsed = checkSummarySchema.safeParse(JSON.parse(body.toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // a damaged summary is rebuilt by the next compaction
  }
}

export async function writeSummary(store: Store, summary: CheckSummary): Promise<void> {
  await store.put(summaryKey(summary.checkId), JSON.stringify(summary), { contentType: "application/json" });
}

export function emptySummary(checkId: string, now: Date): CheckSummary {
  return { checkId, updatedAt: now.toISOString(), days: {} as Record<string, DayStats> };
}
