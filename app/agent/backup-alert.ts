import type { BackupFailure, VerifyResult } from "../backup";
import type { MonitoringConfig } from "../config/schema";
import { formatAge } from "../hosts/heartbeat";
import { silentLogger } from "../lib/logger";
import { type AdhocAlert, sendAdhocAlert } from "../monitor";
import type { MonitorDeps } from "../monitor/deps";
import { createNotifiers } from "../notify/notifiers";
import { type DeliveryOutcome, sendAlert } from "../notify/send";

/** An ad-hoc alert, or (kind "resolved") the notice that the alert with its subject raised at `openedAt` is over. */
export type BackupAlert = AdhocAlert & { kind?: "adhoc" | "resolved"; openedAt?: string };

/** The alert a failed backup raises (CLI and agent alike). */
export function backupFailureAlert(failure: BackupFailure, source: string): AdhocAlert {
  return {
    subject: `backup:${failure.host}:${failure.label}`,
    severity: "critical",
    title: `Backup ${failure.label} on ${failure.host} failed`,
    message: `${failure.id ?? failure.label} failed while ${failure.phase}: ${failure.error}. Nothing that looks like a complete backup was left behind.`,
    source,
  };
}

/** The alert a backup that does not verify raises. */
export function verifyFailureAlert(result: VerifyResult, source: string): AdhocAlert {
  const label = result.label ?? result.id;
  return {
    subject: `backup:${result.host}:${label}`,
    severity: "critical",
    title: `Backup ${result.id} on ${result.host} does not verify`,
    message: result.problems.slice(0, 5).join("; ") || "verification failed",
    source,
  };
}

export interface StaleBackup {
  host: string;
  label: string;
  /** Completion of the job's last success; absent when it never succeeded. */
  lastSuccessAt?: string | undefined;
  staleAfterMs: number;
}

/** The alert a job raises when it goes stale (app/backup/freshness.ts): no success for too long. */
export function staleBackupAlert(stale: StaleBackup, source: string): AdhocAlert {
  const limit = formatAge(stale.staleAfterMs);
  return {
    subject: `backup:${stale.host}:${stale.label}:stale`,
    severity: "critical",
    title: `Backup ${stale.label} on ${stale.host} is stale`,
    message: stale.lastSuccessAt
      ? `No successful backup since ${stale.lastSuccessAt}, more than ${limit} ago (the job's threshold). Its runs are failing, being killed or not starting.`
      : `No successful backup in the ${limit} since the agent started (the job's threshold). Its runs are failing, being killed or not starting.`,
    source,
  };
}

/** The notice that a stale job's alert (raised at `openedAt`) is over: a backup succeeded. */
export function staleBackupResolved(
  alert: AdhocAlert,
  openedAt: string,
  success: { id: string; completedAt: string },
): BackupAlert {
  return {
    ...alert,
    kind: "resolved",
    openedAt,
    title: alert.title.replace(/ is stale$/, " is fresh again"),
    message: `${success.id} completed at ${success.completedAt}.`,
  };
}

/** Sends an alert (or a resolved notice) through the configured notifiers; failed deliveries come back as text. */
export async function raiseAlert(
  config: Pick<MonitoringConfig, "notifiers">,
  alert: BackupAlert,
  deps: MonitorDeps = {},
): Promise<{ delivered: number; failed: string[] }> {
  const outcomes: DeliveryOutcome[] =
    alert.kind === "resolved"
      ? await sendResolved(config, alert, deps)
      : await sendAdhocAlert(config, alert, deps);
  const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.notifier}: ${o.error ?? "failed"}`);
  return { delivered: outcomes.length - failed.length, failed };
}

/** sendAdhocAlert's delivery, as a "resolved" event carrying when the alert opened. */
function sendResolved(
  config: Pick<MonitoringConfig, "notifiers">,
  alert: BackupAlert,
  deps: MonitorDeps,
): Promise<DeliveryOutcome[]> {
  const logger = deps.logger ?? silentLogger;
  const notifiers =
    deps.notifiers ??
    createNotifiers(config.notifiers, { logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const { subject, severity, title, message, source, openedAt } = alert;
  const at = (deps.now?.() ?? new Date()).toISOString();
  return sendAlert(
    notifiers,
    { kind: "resolved", subject, severity, title, message, at, source, ...(openedAt ? { openedAt } : {}) },
    { names: alert.notifiers ?? [], logger },
  );
}
