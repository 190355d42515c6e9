import { runAlertCycle } from "../alerts/cycle";
import type { RoutedEvent } from "../alerts/engine";
import { activeWindow } from "../alerts/maintenance";
import { CHECKS_ALERT_STATE_KEY } from "../alerts/state";
import type { CancelledCheck, CheckResult } from "../checks/result";
import { CheckRunner } from "../checks/runner";
import type { MonitoringConfig } from "../config/schema";
import type { CompactReport } from "../history/compact";
import { newRoundId, writeRound } from "../history/write";
import { readHosts } from "../hosts/heartbeat";
import { type Logger, silentLogger } from "../lib/logger";
import type { AlertEvent } from "../notify/event";
import { createNotifiers } from "../notify/notifiers";
import { runRemediations } from "../remediation/run";
import type { AttemptRecord } from "../remediation/state";
import type { Store } from "../storage/store";
import { compactIfDue } from "./compaction";
import type { MonitorDeps } from "./deps";
import { checkObservations, heartbeatObservations, rulesFor } from "./observations";

export interface RoundOptions extends MonitorDeps {
  /**
   * Cancels the round (shutdown): queued checks are skipped and running ones cut short; both are
   * reported as `cancelled` and neither saved nor alerted on. Finished results are still saved.
   */
  signal?: AbortSignal;
  /** Compact history at the end when due (default true; long-lived processes use their own task). */
  compact?: boolean;
  /**
   * Whether checks' `remediation` runs here. Only a process on the host can restart its services
   * (the local scheduler, the agent), so the default is to skip, with the reason logged; a Lambda
   * round passes its own reason.
   */
  remediation?: { mode: "run" } | { mode: "skip"; reason: string };
}

export interface RoundReport {
  roundId: string;
  startedAt: string;
  finishedAt: string;
  /** Results of the checks that finished; the only ones saved and alerted on. */
  results: CheckResult[];
  /** Checks the round's cancel cut short or never started: no result, not saved, not alerted on. */
  cancelled: CancelledCheck[];
  /** Alert events this round raised (opened, resolved, reminders). */
  events: AlertEvent[];
  /** Notifications still waiting for a notifier. */
  undelivered: number;
  compaction?: CompactReport;
  /** Remediation attempts this round started, finished or suppressed (their events are in `events`). */
  remediations: AttemptRecord[];
  /** Set when checks name a remediation but this round does not run them. */
  remediationSkipped?: string;
  /** Steps that failed after the results were saved (alerting, compaction), for the caller to log. */
  errors: string[];
}

/**
 * One checks round, persisted: run every check, save the results (history + latest), evaluate
 * alerts for checks and host heartbeats, notify, and compact history when due. This is what a
 * Lambda scheduled event calls. Throws only when the results themselves cannot be saved.
 */
export async function runChecksRound(
  config: MonitoringConfig,
  store: Store,
  options: RoundOptions = {},
): Promise<RoundReport> {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const runner =
    options.runner ??
    new CheckRunner(config.checkDefaults, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.createResolver ? { createResolver: options.createResolver } : {}),
      now,
    });
  const roundId = newRoundId();
  const startedAt = now();
  let results: CheckResult[];
  let cancelled: CancelledCheck[];
  try {
    ({ results, cancelled } = await runner.runRound(
      config.checks,
      options.signal ? { signal: options.signal } : {},
    ));
  } finally {
    if (!options.runner) await runner.close();
  }
  for (const result of results) {
    const window = activeWindow(config.maintenance, { checkId: result.checkId }, new Date(result.startedAt));
    if (window) result.maintenance = window.id;
  }
  const finishedAt = now();
  await writeRound(store, { roundId, finishedAt, results });

  const report: RoundReport = {
    roundId,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    results,
    cancelled,
    events: [],
    undelivered: 0,
    remediations: [],
    errors: [],
  };
  const notifiers =
    options.notifiers ??
    createNotifiers(config.notifiers, { logger, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const cycle = { store, stateKey: CHECKS_ALERT_STATE_KEY, source: "checks", notifiers, logger };
  try {
    const hosts = await readHosts(store, { now: finishedAt, staleAfterMs: config.hosts.staleAfterMs });
    const observations = [
      ...checkObservations(config, results),
      ...heartbeatObservations(config, hosts, finishedAt),
    ];
    const alerts = await runAlertCycle(observations, { ...cycle, now: finishedAt });
    report.events = alerts.events.map((e) => e.event);
    report.undelivered = alerts.undelivered;
  } catch (error) {
    report.errors.push(`alerting failed: ${(error as Error).message}`);
    logger.error({ roundId, error: (error as Error).message }, "alerting failed after the round was saved");
  }
  // After the alert cycle, so a slow restart never delays the "down" notification.
  const remediated = await remediate(config, results, store, report, { ...options, now, logger });
  if (remediated.length > 0) {
    try {
      const more = await runAlertCycle([], { ...cycle, now: now(), extraEvents: remediated });
      report.events.push(...more.events.map((e) => e.event));
      report.undelivered = more.undelivered;
    } catch (error) {
      report.errors.push(`queueing remediation events failed: ${(error as Error).message}`);
      logger.error({ roundId, error: (error as Error).message }, "queueing remediation events failed");
    }
  }
  if (options.compact !== false && !options.signal?.aborted) {
    try {
      const compaction = await compactIfDue(config, store, finishedAt);
      if (compaction) report.compaction = compaction;
    } catch (error) {
      report.errors.push(`compaction failed: ${(error as Error).message}`);
      logger.error({ roundId, error: (error as Error).message }, "history compaction failed");
    }
  }
  logger.info(
    {
      roundId,
      checks: results.length,
      down: results.filter((r) => r.status === "down").length,
      cancelled: cancelled.length,
      events: report.events.length,
    },
    cancelled.length > 0 ? "checks round cancelled; finished results saved" : "checks round saved",
  );
  return report;
}

const DEFAULT_SKIP = "remediation runs only in a long-running process on the host (npm start, opsdeck agent)";

/** Runs or skips the round's remediations; their events are returned for the alert queue. */
async function remediate(
  config: MonitoringConfig,
  results: readonly CheckResult[],
  store: Store,
  report: RoundReport,
  options: RoundOptions & { now: () => Date; logger: Logger },
): Promise<RoutedEvent[]> {
  if (!config.checks.some((c) => c.remediation)) return [];
  const mode = options.remediation ?? { mode: "skip", reason: DEFAULT_SKIP };
  if (mode.mode === "skip") {
    report.remediationSkipped = mode.reason;
    options.logger.warn({ roundId: report.roundId }, `check remediation skipped: ${mode.reason}`);
    return [];
  }
  if (options.signal?.aborted) return [];
  const byId = new Map(config.checks.map((c) => [c.id, c]));
  try {
    const outcome = await runRemediations(config, results, {
      store,
      now: options.now,
      logger: options.logger,
      source: "checks",
      notifiersFor: (id) => rulesFor(config, byId.get(id)).notifiers,
    });
    report.remediations = outcome.attempts;
    return outcome.events;
  } catch (error) {
    report.errors.push(`remediation failed: ${(error as Error).message}`);
    options.logger.error(
      { roundId: report.roundId, error: (error as Error).message },
      "check remediation failed",
    );
    return [];
  }
}
