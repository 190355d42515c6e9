import { type BackupJobConfig, DEFAULT_JOB_INTERVAL_MINUTES, jobPeriodMinutes } from "./config";

/**
 * Backup freshness: when a job counts as stale. One rule for the fleet view, the agent's freshness
 * alert and the threshold /metrics exposes (docs/backups.md, "Freshness"):
 *
 * - A job's threshold is its `staleAfterMinutes` when configured, else twice its period
 *   (`intervalMinutes`, or a day for an `at` job): one missed or failed run is tolerated, two are not.
 *   A job without a known threshold (a record written without one) gets twice the default period.
 * - A job is stale when its last success completed longer ago than its threshold.
 * - A job that never succeeded is stale once the threshold has passed since `since`, when a success
 *   was first expected (the agent's start); without `since` (the dashboard, which only sees the
 *   job's records, so the job exists and has failed) it is stale at once.
 */
export const STALE_AFTER_PERIODS = 2;

const MINUTE_MS = 60_000;

/** The threshold of a job on the default schedule (daily): 48 h. */
export const DEFAULT_STALE_AFTER_MS = STALE_AFTER_PERIODS * DEFAULT_JOB_INTERVAL_MINUTES * MINUTE_MS;

type ScheduleFields = Pick<BackupJobConfig, "intervalMinutes" | "at" | "staleAfterMinutes">;

/** A job's staleness threshold in ms: `staleAfterMinutes`, else twice its period. */
export function backupStaleAfterMs(job: ScheduleFields): number {
  return (job.staleAfterMinutes ?? STALE_AFTER_PERIODS * jobPeriodMinutes(job)) * MINUTE_MS;
}

export interface FreshnessInput {
  /** Completion of the job's last success. */
  lastSuccessAt?: string | Date | undefined;
  staleAfterMs: number;
  now: Date;
  /** When a success was first expected; a job that never succeeded is stale this long after it. */
  since?: Date | undefined;
}

export interface BackupFreshness {
  stale: boolean;
  /** Time since the last success (never negative); absent when it never succeeded. */
  ageMs?: number;
}

/** Whether a job is stale at `now` (pure; the rule above). */
export function backupFreshness(input: FreshnessInput): BackupFreshness {
  const now = input.now.getTime();
  if (input.lastSuccessAt === undefined) {
    const stale = input.since === undefined || now - input.since.getTime() > input.staleAfterMs;
    return { stale };
  }
  const ageMs = Math.max(0, now - new Date(input.lastSuccessAt).getTime());
  return { stale: ageMs > input.staleAfterMs, ageMs };
}

/** A job as its records or its host's backup summary have it: the threshold rides on its last success. */
export interface RecordedJob {
  lastSuccess?: { completedAt: string; staleAfterMs?: number | undefined } | undefined;
}

/**
 * The threshold of a job known only from its records (the dashboard, /metrics, `opsdeck backup
 * status`): the one recorded with its last success, else the default (48 h).
 */
export function recordedStaleAfterMs(job: RecordedJob): number {
  return job.lastSuccess?.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
}

/** The freshness of a job known only from its records (no `since`: one that never succeeded is stale). */
export function recordedFreshness(job: RecordedJob, now: Date): BackupFreshness & { staleAfterMs: number } {
  const staleAfterMs = recordedStaleAfterMs(job);
  return {
    staleAfterMs,
    ...backupFreshness({ lastSuccessAt: job.lastSuccess?.completedAt, staleAfterMs, now }),
  };
}
