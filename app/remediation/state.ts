import { z } from "zod";
import { parseOrThrow } from "../lib/validation";
import type { Store } from "../storage/store";

export const REMEDIATION_STATE_KEY = "state/remediation/checks.json";
export const RECENT_ATTEMPTS_LIMIT = 50;

export const attemptOutcomes = ["started", "succeeded", "failed", "suppressed"] as const;

const attemptRecordSchema = z.object({
  checkId: z.string(),
  outcome: z.enum(attemptOutcomes),
  at: z.string(),
  /** `restart nginx.service` or `run /usr/local/bin/fix` (never the arguments). */
  action: z.string(),
  message: z.string(),
});

const checkStateSchema = z.object({
  failures: z.int().nonnegative(),
  attempts: z.array(z.string()),
  exhaustedAt: z.string().optional(),
});

/**
 * Remediation state of the process running check rounds, in one object it alone writes. Kept in the
 * store, not in memory, so restarting opsdeck neither resets the attempt budget nor the counters.
 */
export const remediationStateSchema = z.object({
  version: z.literal(1),
  updatedAt: z.string(),
  checks: z.record(z.string(), checkStateSchema),
  /** Attempts and suppressions, newest first (bounded), for the dashboard. */
  recent: z.array(attemptRecordSchema),
});

export type RemediationState = z.output<typeof remediationStateSchema>;
export type AttemptRecord = z.output<typeof attemptRecordSchema>;

/**
 * A missing object is a fresh start; a damaged one is an error rather than a silent reset, which
 * would hand a flapping service a new budget of restarts.
 */
export async function readRemediationState(store: Store, now: Date): Promise<RemediationState> {
  const body = await store.get(REMEDIATION_STATE_KEY);
  if (!body) return { version: 1, updatedAt: now.toISOString(), checks: {}, recent: [] };
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new Error(`${REMEDIATION_STATE_KEY} in ${store.location} is not valid JSON`, { cause: error });
  }
  return parseOrThrow(remediationStateSchema, json, `${REMEDIATION_STATE_KEY} in ${store.location}`);
}

export async function writeRemediationState(store: Store, state: RemediationState): Promise<void> {
  await store.put(REMEDIATION_STATE_KEY, JSON.stringify(state), { contentType: "application/json" });
}

/** Reads the stored state for display; never throws (the dashboard shows a problem instead). */
export async function readRemediationAttempts(
  store: Store,
  now: Date,
): Promise<{ attempts: AttemptRecord[]; problem?: string }> {
  try {
    const state = await readRemediationState(store, now);
    return { attempts: state.recent };
  } catch (error) {
    return { attempts: [], problem: (error as Error).message };
  }
}
