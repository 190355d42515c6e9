import type { RoutedEvent } from "../alerts/engine";
import type { CheckResult } from "../checks/result";
import type { MonitoringConfig } from "../config/schema";
import { type Logger, silentLogger } from "../lib/logger";
import type { AlertEvent } from "../notify/event";
import type { Store } from "../storage/store";
import { remediationArgv, remediationLabel } from "./config";
import { decideRemediation } from "./decide";
import { type CommandOutcome, runRemediationCommand } from "./execute";
import {
  type AttemptRecord,
  RECENT_ATTEMPTS_LIMIT,
  readRemediationState,
  writeRemediationState,
} from "./state";

export interface RemediationOptions {
  store: Store;
  now: () => Date;
  logger?: Logger;
  /** Recorded on events: `checks`. */
  source: string;
  /** Notifier names for a check's events (its alert rules' `notifiers`; empty means all). */
  notifiersFor?: (checkId: string) => string[];
  run?: (argv: readonly [string, ...string[]], options: { timeoutMs: number }) => Promise<CommandOutcome>;
}

export interface RemediationReport {
  attempts: AttemptRecord[];
  /** Alert events for the attempts, to queue with the round's alerts. */
  events: RoutedEvent[];
}

const SEVERITY: Record<AttemptRecord["outcome"], AlertEvent["severity"]> = {
  started: "warning",
  succeeded: "warning",
  failed: "critical",
  suppressed: "critical",
};

/**
 * Runs the remediations a round's results call for, one check after another. The state is written
 * before each command starts, so a crash mid-restart still spends the attempt. Checks cut short by
 * a cancel or inside a maintenance window neither count nor remediate: planned work is not an outage.
 */
export async function runRemediations(
  config: Pick<MonitoringConfig, "checks">,
  results: readonly CheckResult[],
  options: RemediationOptions,
): Promise<RemediationReport> {
  const logger = options.logger ?? silentLogger;
  const run = options.run ?? runRemediationCommand;
  const byId = new Map(results.map((r) => [r.checkId, r]));
  const checks = config.checks.filter((c) => c.remediation && byId.has(c.id));
  const report: RemediationReport = { attempts: [], events: [] };
  if (checks.length === 0) return report;

  const state = await readRemediationState(options.store, options.now());
  const before = JSON.stringify(state);
  const record = (
    checkId: string,
    name: string,
    outcome: AttemptRecord["outcome"],
    action: string,
    message: string,
  ) => {
    const at = options.now().toISOString();
    const attempt: AttemptRecord = { checkId, outcome, at, action, message };
    state.recent = [attempt, ...state.recent].slice(0, RECENT_ATTEMPTS_LIMIT);
    state.updatedAt = at;
    report.attempts.push(attempt);
    report.events.push({
      event: {
        kind: "adhoc",
        subject: `remediation:${checkId}`,
        severity: SEVERITY[outcome],
        title: `${name}: remediation ${outcome === "suppressed" ? "exhausted" : outcome} (${action})`,
        message,
        at,
        source: options.source,
      },
      notifiers: options.notifiersFor?.(checkId) ?? [],
    });
  };

  for (const check of checks) {
    const rules = check.remediation;
    const result = byId.get(check.id);
    if (!rules || !result || result.maintenance) continue;
    const name = check.name ?? check.id;
    const action = remediationLabel(rules);
    const { decision, state: next } = decideRemediation(
      state.checks[check.id],
      // Only down: a degraded result (slow, a certificate near expiry) is not something a restart fixes.
      result.status === "down",
      rules,
      options.now(),
    );
    state.checks[check.id] = next;
    if (decision.action === "exhausted") {
      if (decision.report) {
        record(check.id, name, "suppressed", action, decision.reason);
        logger.warn({ checkId: check.id, action }, decision.reason);
      }
      continue;
    }
    if (decision.action !== "attempt") continue;

    record(
      check.id,
      name,
      "started",
      action,
      `after ${rules.afterFailures} consecutive failures: ${result.message}`,
    );
    await writeRemediationState(options.store, state);
    logger.info({ checkId: check.id, action }, "remediation started");
    const outcome = await run(remediationArgv(rules), { timeoutMs: rules.timeoutMs });
    record(check.id, name, outcome.ok ? "succeeded" : "failed", action, outcome.message);
    const fields = { checkId: check.id, action, result: outcome.message };
    if (outcome.ok) logger.info(fields, "remediation succeeded");
    else logger.error(fields, "remediation failed");
  }
  if (JSON.stringify(state) !== before) await writeRemediationState(options.store, state);
  return report;
}
