import {
  BackupError,
  type BackupFailure,
  type BackupRecord,
  type CompressorPrograms,
  pruneBackups,
  readBackupStates,
  refreshBackupSummary,
  runBackupJob,
  type VerifyResult,
} from "../backup";
import type { BackupConfig, BackupJobConfig } from "../backup/config";
import type { Logger } from "../lib/logger";
import type { AdhocAlert } from "../monitor";
import type { TaskSpec } from "../scheduler";
import type { Store } from "../storage";
import { backupFailureAlert, verifyFailureAlert } from "./backup-alert";
import { describeSchedule, type JobHistory, nextBackupAt } from "./backup-schedule";

/** How often the agent looks for jobs that are due. */
export const BACKUP_TICK_MS = 60_000;

export type BackupRunOutcome =
  | { label: string; ok: true; record: BackupRecord; verify?: VerifyResult; pruned: number }
  | { label: string; ok: false; failure: BackupFailure; cancelled: boolean };

export interface BackupTaskOptions {
  logger: Logger;
  now: () => Date;
  /** Raises an alert through the configured notifiers; never throws. */
  alert: (alert: AdhocAlert) => Promise<void>;
  programs?: CompressorPrograms;
  tickMs?: number;
  /** Called after every job run (tests, `agent --once`). */
  onOutcome?: (outcome: BackupRunOutcome) => void;
}

/**
 * The agent's scheduled backups: every tick, each due job (see nextBackupAt) runs in turn — create,
 * verify when configured, then prune its label per retention. A failure raises an alert and the agent
 * carries on; a backup cut short by shutdown (the scheduler's signal) is aborted, leaves nothing that
 * looks complete and raises no alert.
 */
export function backupTask(
  backups: BackupConfig & { host: string },
  store: Store,
  options: BackupTaskOptions,
): TaskSpec | undefined {
  if (backups.jobs.length === 0) return undefined;
  const { logger, now } = options;
  const startedAt = now();
  let histories: Map<string, JobHistory> | undefined;

  const loadHistories = async (): Promise<Map<string, JobHistory>> => {
    const map = new Map<string, JobHistory>();
    const states = await readBackupStates(store, backups.host, {
      onInvalid: (key, error) =>
        logger.warn({ key, error: error.message }, "unreadable backup record ignored"),
    });
    for (const state of states) {
      if (state.lastSuccess)
        map.set(state.label, { lastSuccessStartedAt: new Date(state.lastSuccess.startedAt) });
    }
    for (const job of backups.jobs) {
      const next = nextBackupAt(job, map.get(job.label) ?? {}, startedAt);
      logger.info(
        { label: job.label, schedule: describeSchedule(job), nextAt: next.toISOString() },
        "backup job scheduled",
      );
    }
    return map;
  };

  const runJob = async (job: BackupJobConfig, history: JobHistory, signal: AbortSignal) => {
    logger.info({ label: job.label, sources: job.sources }, "backup starting");
    let outcome: BackupRunOutcome;
    try {
      const { record, verify } = await runBackupJob(
        { store, config: backups, signal, now, ...(options.programs ? { programs: options.programs } : {}) },
        job.label,
      );
      history.lastSuccessStartedAt = new Date(record.startedAt);
      delete history.lastFailureAt;
      logger.info(
        {
          label: job.label,
          key: record.key,
          size: record.size,
          files: record.files,
          durationMs: record.durationMs,
        },
        "backup complete",
      );
      for (const warning of record.warnings) logger.warn({ label: job.label, warning }, "backup warning");
      if (verify && !verify.ok) {
        logger.error({ label: job.label, problems: verify.problems.slice(0, 5) }, "backup does not verify");
        await options.alert(verifyFailureAlert(verify, `agent:${backups.host}`));
      }
      const pruned = signal.aborted ? 0 : await prune(job);
      outcome = { label: job.label, ok: true, record, ...(verify ? { verify } : {}), pruned };
    } catch (error) {
      const failure = failureOf(error, backups.host, job.label, now());
      const cancelled = signal.aborted;
      if (cancelled) {
        logger.warn({ label: job.label, id: failure.id }, "backup cancelled by shutdown; nothing was kept");
      } else {
        history.lastFailureAt = now();
        logger.error({ label: job.label, phase: failure.phase, error: failure.error }, "backup failed");
        await options.alert(backupFailureAlert(failure, `agent:${backups.host}`));
      }
      outcome = { label: job.label, ok: false, failure, cancelled };
    }
    options.onOutcome?.(outcome);
  };

  const prune = async (job: BackupJobConfig): Promise<number> => {
    try {
      const result = await pruneBackups({
        store,
        host: backups.host,
        label: job.label,
        policy: job.retention ?? backups.retention,
        incompleteGraceMs: backups.incompleteGraceHours * 60 * 60 * 1000,
        now,
      });
      const removed = result.groups.reduce((n, g) => n + g.remove.length, 0) + result.incomplete.length;
      if (removed > 0)
        logger.info({ label: job.label, removed, policy: result.policy }, "old backups pruned");
      return removed;
    } catch (error) {
      // The new backup stands; a prune that failed is tried again after the next backup.
      logger.error({ label: job.label, error: (error as Error).message }, "pruning backups failed");
      return 0;
    }
  };

  return {
    name: "backups",
    everyMs: options.tickMs ?? BACKUP_TICK_MS,
    run: async (signal) => {
      histories ??= await loadHistories();
      let ran = false;
      for (const job of backups.jobs) {
        if (signal.aborted) return;
        const history = histories.get(job.label) ?? {};
        histories.set(job.label, history);
        if (nextBackupAt(job, history, startedAt).getTime() > now().getTime()) continue;
        ran = true;
        await runJob(job, history, signal);
      }
      // The summary is rebuilt with every record; once more here repairs one left behind by a race.
      if (ran && !signal.aborted) await refreshBackupSummary(store, backups.host, now());
    },
  };
}

function failureOf(error: unknown, host: string, label: string, at: Date): BackupFailure {
  if (error instanceof BackupError) return error.failure;
  return {
    ok: false,
    host,
    label,
    startedAt: at.toISOString(),
    failedAt: at.toISOString(),
    durationMs: 0,
    phase: "preparing",
    error: (error as Error)?.message ?? String(error),
  };
}
