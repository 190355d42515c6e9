import type { Registry } from "prom-client";
import { backupReportMetrics, readBackupReport } from "../backup/report";
import type { CheckResult } from "../checks/result";
import { CheckRunner } from "../checks/runner";
import type { MonitoringConfig } from "../config/schema";
import { compactHistory } from "../history/compact";
import { silentLogger } from "../lib/logger";
import { type BackupMetricsSource, createMetricsRegistry } from "../metrics/prometheus";
import { createNotifiers } from "../notify/notifiers";
import { Scheduler } from "../scheduler/scheduler";
import type { Store } from "../storage/store";
import { type Agent, type AgentOptions, createAgent } from "./agent";
import { runChecksRound } from "./round";

export interface StartOptions extends AgentOptions {
  /** Run check rounds and history compaction here (default true). */
  checks?: boolean;
  /** Sample this machine and send heartbeats (default true). */
  agent?: boolean;
  /**
   * Whose backup jobs the registry exposes (`opsdeck_backup_*`): that host's backup summary, read
   * every `schedule.heartbeatEveryMs` on the scheduler. Default: the agent's host when the agent runs
   * (the agent passes `backups.host` when set); `false` for none.
   */
  backupHost?: string | false;
}

export interface MonitorProcess {
  /** Register more tasks here (log follow, scheduled backups). */
  scheduler: Scheduler;
  /**
   * This process's metrics: its own host, its latest check results and its host's backup jobs. No
   * entry point serves it over HTTP (the server's `/metrics` is the dashboard's registry, which has
   * every host); it is for a process that embeds the monitor and exposes its own metrics.
   */
  registry: Registry;
  agent?: Agent;
  /** Stops timers, waits for running tasks (up to `graceMs`), closes connections. */
  stop(graceMs?: number): Promise<string[]>;
}

/**
 * Starts monitoring in a long-running process (`npm start`, the Kubernetes server, the agent):
 * check rounds, compaction, metric sampling and heartbeats on the scheduler, at the configured
 * intervals. The caller wires shutdown signals with `handleShutdownSignals(process.scheduler)`.
 */
export function startMonitor(
  config: MonitoringConfig,
  store: Store,
  options: StartOptions = {},
): MonitorProcess {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const scheduler = new Scheduler({ logger, now });
  const notifiers =
    options.notifiers ??
    createNotifiers(config.notifiers, { logger, ...(options.fetch ? { fetch: options.fetch } : {}) });
  let lastResults: CheckResult[] = [];
  let runner: CheckRunner | undefined;

  if (options.checks !== false) {
    runner = new CheckRunner(config.checkDefaults, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.createResolver ? { createResolver: options.createResolver } : {}),
      now,
    });
    const roundRunner = runner;
    scheduler.register({
      name: "checks",
      everyMs: config.schedule.checksEveryMs,
      run: async (signal) => {
        const report = await runChecksRound(config, store, {
          ...options,
          runner: roundRunner,
          notifiers,
          logger,
          now,
          signal,
          compact: false,
          // This process runs on the host whose services the checks watch.
          remediation: { mode: "run" },
        });
        // A cancelled round (shutdown) keeps the previous result of the checks it cut short.
        const fresh = new Map([...lastResults, ...report.results].map((r) => [r.checkId, r]));
        lastResults =
          report.cancelled.length === 0
            ? report.results
            : config.checks.flatMap((c) => fresh.get(c.id) ?? []);
      },
    });
    scheduler.register({
      name: "compaction",
      everyMs: config.schedule.compactEveryMs,
      runAtStart: false,
      run: () => compactHistory(store, { retentionDays: config.history.retentionDays, now: now() }),
    });
  }

  let agent: Agent | undefined;
  if (options.agent !== false) {
    agent = createAgent(config, store, { ...options, notifiers, logger, now });
    for (const task of agent.tasks) scheduler.register(task);
  }

  // This host's backup jobs, from its backup summary read the way the dashboard reads it (same
  // reader, same thresholds), so the two registries of one server process agree. Refreshed on the
  // scheduler's timer: a scrape only formats what the last read found.
  let backups: BackupMetricsSource[] = [];
  const backupHost = options.backupHost === false ? undefined : (options.backupHost ?? agent?.host);
  if (backupHost !== undefined) {
    let loggedProblems = "";
    scheduler.register({
      name: "backup-metrics",
      everyMs: config.schedule.heartbeatEveryMs,
      run: async () => {
        const { report, problems } = await readBackupReport(store, backupHost);
        backups = backupReportMetrics(backupHost, report);
        // Once per change, not every read: the summary is rewritten only when a backup records.
        const text = problems.join("\n");
        if (text !== loggedProblems && problems.length > 0)
          logger.warn({ host: backupHost, problems }, "backup summary has unreadable parts");
        loggedProblems = text;
      },
    });
  }

  const registry = createMetricsRegistry({
    hosts: () => {
      const snapshot = agent?.sampler.latest();
      return snapshot ? [{ snapshot, up: true }] : [];
    },
    checks: () => lastResults,
    backups: () => backups,
    now,
  });

  scheduler.start();
  return {
    scheduler,
    registry,
    ...(agent ? { agent } : {}),
    async stop(graceMs = config.schedule.shutdownGraceMs) {
      const late = await scheduler.stop(graceMs);
      await agent?.sampler.idle();
      await runner?.close();
      return late;
    },
  };
}
