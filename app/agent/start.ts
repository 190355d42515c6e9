import type { CompressorPrograms } from "../backup";
import type { AppConfig } from "../config/schema";
import { resolveHostName } from "../hosts/config";
import { silentLogger } from "../lib/logger";
import { createAgent, type MonitorProcess, type StartOptions, startMonitor } from "../monitor";
import { createNotifiers } from "../notify/notifiers";
import { Scheduler, type TaskSpec, type TaskStatus } from "../scheduler";
import type { Store } from "../storage";
import { raiseAlert } from "./backup-alert";
import { type BackupRunOutcome, backupTask } from "./backup-task";
import { backupsWithHost } from "./host";
import { logTasks } from "./log-follow";
import type { LogReport } from "./log-report";

export interface AgentOptions extends StartOptions {
  /** Also run check rounds here (default false: on AWS the dashboard function runs them). */
  checks?: boolean;
  programs?: CompressorPrograms;
  /** How often due backups are looked for (default 60 s). */
  backupTickMs?: number;
  onBackup?: (outcome: BackupRunOutcome) => void;
  onLogReport?: (report: LogReport) => void;
}

export interface AgentProcess {
  host: string;
  monitor: MonitorProcess;
  /** Stops every task, aborting a running backup, and waits up to `graceMs` for them to end. */
  stop(graceMs?: number): Promise<string[]>;
}

/** The outside world the agent's tasks share, built once: one set of notifiers for every alert. */
function agentParts(config: AppConfig, store: Store, options: AgentOptions) {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const notifiers =
    options.notifiers ??
    createNotifiers(config.notifiers, { logger, ...(options.fetch ? { fetch: options.fetch } : {}) });
  // Heartbeats and log reports go under the host name; backups under `backups.host` when set.
  const host = resolveHostName(config.hosts, options.env);
  const backups = backupsWithHost(config, options.env);
  const alert = async (a: Parameters<typeof raiseAlert>[1]) => {
    const { failed } = await raiseAlert(config, a, { notifiers, logger, now });
    if (failed.length > 0) logger.error({ subject: a.subject, failed }, "alert not delivered");
  };
  const extraTasks: TaskSpec[] = [
    ...logTasks(config.logs, host, store, {
      logger,
      now,
      ...(options.onLogReport ? { onReport: options.onLogReport } : {}),
    }),
  ];
  const backup = backupTask(backups, store, {
    logger,
    now,
    alert,
    ...(options.programs ? { programs: options.programs } : {}),
    ...(options.backupTickMs ? { tickMs: options.backupTickMs } : {}),
    ...(options.onBackup ? { onOutcome: options.onBackup } : {}),
  });
  if (backup) extraTasks.push(backup);
  return { logger, now, notifiers, host, backupHost: backups.host, extraTasks };
}

/**
 * `opsdeck agent`: metric sampling and heartbeats (the monitoring agent), log follow with a rolling
 * error summary in `hosts/<host>.logs.json`, and scheduled backups with prune — all on one scheduler,
 * so one `stop()` (SIGTERM) ends them together without cutting a write in half.
 */
export function startAgent(config: AppConfig, store: Store, options: AgentOptions = {}): AgentProcess {
  const parts = agentParts(config, store, options);
  const monitor = startMonitor(config, store, {
    ...options,
    logger: parts.logger,
    now: parts.now,
    notifiers: parts.notifiers,
    checks: options.checks === true,
    agent: true,
    // Backups are filed under `backups.host` when set: the registry shows that host's jobs.
    backupHost: options.backupHost ?? parts.backupHost,
  });
  for (const task of parts.extraTasks) monitor.scheduler.register(task);
  parts.logger.info(
    { host: parts.host, store: store.location, tasks: monitor.scheduler.status().map((t) => t.name) },
    "agent started",
  );
  return { host: parts.host, monitor, stop: (graceMs) => monitor.stop(graceMs) };
}

export interface OnceResult {
  host: string;
  tasks: TaskStatus[];
  backups: BackupRunOutcome[];
  /** Every task ran without error and no backup failed. */
  ok: boolean;
}

/**
 * `opsdeck agent --once`: one metrics sample and heartbeat, then the backups that are due (with
 * prune), then exit — a smoke test for a new server's config and permissions. Log follow needs a
 * running agent and is left out. `signal` cancels it (a running backup is aborted).
 */
export async function runAgentOnce(
  config: AppConfig,
  store: Store,
  options: AgentOptions & { signal?: AbortSignal } = {},
): Promise<OnceResult> {
  const backups: BackupRunOutcome[] = [];
  const parts = agentParts(config, store, {
    ...options,
    onBackup: (outcome) => {
      backups.push(outcome);
      options.onBackup?.(outcome);
    },
  });
  const agent = createAgent(config, store, {
    ...options,
    logger: parts.logger,
    now: parts.now,
    notifiers: parts.notifiers,
  });
  const scheduler = new Scheduler({ logger: parts.logger, now: parts.now });
  const tasks = [...agent.tasks, ...parts.extraTasks.filter((t) => t.name === "backups")];
  for (const task of tasks) scheduler.register(task);
  const onAbort = () => void scheduler.stop(config.schedule.shutdownGraceMs);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (const task of tasks) {
      if (options.signal?.aborted) break;
      await scheduler.runNow(task.name);
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await agent.sampler.idle();
  }
  const statuses = scheduler.status();
  const ok = statuses.every((s) => s.failures === 0) && backups.every((b) => b.ok);
  return { host: parts.host, tasks: statuses, backups, ok };
}
