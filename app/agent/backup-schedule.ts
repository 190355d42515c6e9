import { type BackupJobConfig, DEFAULT_JOB_INTERVAL_MINUTES } from "../backup/config";

/** After a failed run a job is tried again after this long (or its interval, if shorter). */
export const RETRY_AFTER_FAILURE_MS = 60 * 60_000;

export interface JobHistory {
  /** Start of the job's last successful backup (from the store's records, then this process). */
  lastSuccessStartedAt?: Date;
  /** When this process last saw the job fail; failures are not read back from the store. */
  lastFailureAt?: Date;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** `02:30` → minutes after midnight. */
function minutesOf(at: string): number {
  const [h, m] = at.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

/** The first `at` (UTC) strictly after `after`. */
export function nextDailyTime(at: string, after: Date): Date {
  const midnight = Math.floor(after.getTime() / DAY) * DAY;
  let next = midnight + minutesOf(at) * MINUTE;
  if (next <= after.getTime()) next += DAY;
  return new Date(next);
}

/**
 * When a job should next start (pure):
 * - `intervalMinutes`: that long after the start of its last success; at once if it never succeeded.
 * - `at` (daily, UTC): the first such time after its last success (a missed time is caught up at
 *   once); one that never succeeded waits for the next such time after `startedAt` (the agent's start).
 * - After a failure in this process: not before RETRY_AFTER_FAILURE_MS (or the interval) has passed.
 */
export function nextBackupAt(
  job: Pick<BackupJobConfig, "intervalMinutes" | "at">,
  history: JobHistory,
  startedAt: Date,
): Date {
  let next: Date;
  let periodMs: number;
  if (job.at !== undefined) {
    next = nextDailyTime(job.at, history.lastSuccessStartedAt ?? startedAt);
    periodMs = DAY;
  } else {
    periodMs = (job.intervalMinutes ?? DEFAULT_JOB_INTERVAL_MINUTES) * MINUTE;
    next = history.lastSuccessStartedAt
      ? new Date(history.lastSuccessStartedAt.getTime() + periodMs)
      : startedAt;
  }
  if (history.lastFailureAt) {
    const retry = history.lastFailureAt.getTime() + Math.min(periodMs, RETRY_AFTER_FAILURE_MS);
    if (retry > next.getTime()) next = new Date(retry);
  }
  return next;
}

/** How a job's schedule reads in listings: "every 1440 min", "daily at 02:30 UTC". */
export function describeSchedule(job: Pick<BackupJobConfig, "intervalMinutes" | "at">): string {
  return job.at !== undefined
    ? `daily at ${job.at} UTC`
    : `every ${job.intervalMinutes ?? DEFAULT_JOB_INTERVAL_MINUTES} min`;
}
