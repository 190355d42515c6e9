import {
  BackupError,
  type BackupFailure,
  type BackupRecord,
  backupFreshness,
  backupStaleAfterMs,
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
import {
  type BackupAlert,
  backupFailureAlert,
  staleBackupAlert,
  staleBackupResolved,
  verifyFailureAlert,
} from "./backup-alert";
import { describeSchedule, type JobHistory, nextBackupAt } from "./backup-schedule";

/** How often the agent looks for jobs that are due. */
export const BACKUP_TICK_MS = 60_000;

export type BackupRunOutcome =
  | { label: string; ok: true; record: BackupRecord; verify?: VerifyResult; pruned: number }
  | { label: string; ok: false; failure: BackupFailure; cancelled: boolean };

export interface BackupTaskOptions {
  logger: Logger;
  now: () => Date;
  /** Raises an alert (or a resolved notice) through the configured notifiers; never throws. */
  alert: (alert: BackupAlert) => Promise<void>;
  programs?: CompressorPrograms;
  tickMs?: number;
  /** Called after every job run (tests, `agent --once`). */
  onOutcome?: (outcome: BackupRunOutcome) => void;
}

/**
 * The agent's scheduled backups: every tick, each due job (see nextBackupAt) runs in turn — create,
 * verify when configured, then prune its label per retention. A failure raises an alert and the agent
 * carries on; a backup cut short by shutdown (the scheduler's signal) is aborted, leaves nothing that
 * looks complete and raises no alert. Before the due jobs run, each tick raises a stale alert for a job
 * that went stale (app/backup/freshness.ts) — once, until its next success resolves it — so a job
 * whose runs are killed (SIGKILL, OOM, power) or never start is reported too.
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
  /** Completion of each job's last success, for freshness. */
  const lastSuccessAt = new Map<string, string>();
  /** Stale alerts raised and not yet resolved, by label. */
  const staleAlerts = new Map<string, { alert: AdhocAlert; openedAt: string }>();

  const loadHistories = async (): Promise<Map<string, JobHistory>> => {
    const map = new Map<string, JobHistory>();
    const states = await readBackupStates(store, backups.host, {
      onInvalid: (key, error) =>
        logger.warn({ key, error: error.message }, "unreadable backup record ignored"),
    });
    for (const state of states) {
      if (!state.lastSuccess) continue;
      map.set(state.label, { lastSuccessStartedAt: new Date(state.lastSuccess.startedAt) });
      lastSuccessAt.set(state.label, state.lastSuccess.completedAt);
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
      lastSuccessAt.set(job.label, record.completedAt);
      const stale = staleAlerts.get(job.label);
      if (stale) {
        staleAlerts.delete(job.label);
        logger.info({ label: job.label }, "backup fresh again");
        await options.alert(staleBackupResolved(stale.alert, stale.openedAt, record));
      }
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

  /** Raises the stale alert of each job that went stale since the last look (once per stale period). */
  const checkFreshness = async () => {
    for (const job of backups.jobs) {
      if (staleAlerts.has(job.label)) continue;
      const last = lastSuccessAt.get(job.label);
      const staleAfterMs = backupStaleAfterMs(job);
      if (!backupFreshness({ lastSuccessAt: last, staleAfterMs, now: now(), since: startedAt }).stale)
        continue;
      const alert = staleBackupAlert(
        { host: backups.host, label: job.label, lastSuccessAt: last, staleAfterMs },
        `agent:${backups.host}`,
      );
      staleAlerts.set(job.label, { alert, openedAt: now().toISOString() });
      logger.error({ label: job.label, lastSuccessAt: last, staleAfterMs }, "backup is stale");
      await options.alert(alert);
    }
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
      // Before the runs: a run that takes hours, or kills the process, must not hold the alert back.
      await checkFreshness();
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
