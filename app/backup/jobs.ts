import type { Store } from "../storage";
import type { CompressorPrograms } from "./compressors";
import type { BackupConfig, BackupJobConfig } from "./config";
import { type BackupRecord, createBackup } from "./create";
import { backupStaleAfterMs } from "./freshness";
import type { BackupEventListener } from "./progress";
import { type PruneResult, pruneBackups } from "./prune";
import type { VerifyResult } from "./verify";
import { defaultBackupHost } from "./version";

/** What the agent and the CLI share when they run configured jobs. */
export interface BackupJobContext {
  store: Store;
  config: BackupConfig;
  signal?: AbortSignal;
  onEvent?: BackupEventListener;
  now?: () => Date;
  programs?: CompressorPrograms;
  /** Walk sources first for progress totals (the CLI's progress bar wants them; the agent does not). */
  estimate?: boolean;
}

export interface BackupJobOutcome {
  record: BackupRecord;
  /** Present when `verifyAfterCreate` is on. A failed verification is data here, not an exception. */
  verify?: VerifyResult;
}

function findJob(config: BackupConfig, label: string): BackupJobConfig {
  const job = config.jobs.find((j) => j.label === label);
  if (!job) {
    const known = config.jobs.map((j) => j.label).join(", ") || "none configured";
    throw new Error(`backups.jobs: no job labelled ${JSON.stringify(label)} (known: ${known})`);
  }
  return job;
}

/**
 * Runs one configured job: create (its last-success record carries the job's staleness threshold),
 * then verify when the config asks for it.
 * Rejects with BackupError when the backup could not be created (its `failure` is the alert payload).
 */
export async function runBackupJob(context: BackupJobContext, label: string): Promise<BackupJobOutcome> {
  const job = findJob(context.config, label);
  const record = await createBackup({
    store: context.store,
    sources: job.sources,
    label: job.label,
    host: context.config.host ?? defaultBackupHost(),
    include: job.include,
    exclude: job.exclude,
    compressor: context.config.compressor,
    staleAfterMs: backupStaleAfterMs(job),
    ...(context.programs ? { programs: context.programs } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.onEvent ? { onEvent: context.onEvent } : {}),
    ...(context.now ? { now: context.now } : {}),
    ...(context.estimate ? { estimate: true } : {}),
  });
  if (!context.config.verifyAfterCreate) return { record };
  // Verifying reads the archive with node-tar's parser (~250 KB of code): loaded only when asked for.
  const { verifyBackup } = await import("./verify.js");
  const verify = await verifyBackup({
    store: context.store,
    backup: record.key,
    ...(context.programs ? { programs: context.programs } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.onEvent ? { onEvent: context.onEvent } : {}),
    ...(context.now ? { now: context.now } : {}),
  });
  return { record, verify };
}

/**
 * Prunes every configured job of this host with its own retention (the job's, else the section's).
 * Labels no longer in the config are left alone: removing a job must not silently delete its history.
 */
export async function pruneBackupJobs(
  context: Pick<BackupJobContext, "store" | "config" | "now">,
  options: { dryRun?: boolean; host?: string } = {},
): Promise<PruneResult[]> {
  const host = options.host ?? context.config.host ?? defaultBackupHost();
  const results: PruneResult[] = [];
  for (const job of context.config.jobs) {
    results.push(
      await pruneBackups({
        store: context.store,
        host,
        label: job.label,
        policy: job.retention ?? context.config.retention,
        dryRun: options.dryRun === true,
        incompleteGraceMs: context.config.incompleteGraceHours * 60 * 60 * 1000,
        ...(context.now ? { now: context.now } : {}),
      }),
    );
  }
  return results;
}
