import type { BackupFailure, VerifyResult } from "../backup";
import type { MonitoringConfig } from "../config/schema";
import { type AdhocAlert, sendAdhocAlert } from "../monitor";
import type { MonitorDeps } from "../monitor/deps";
import type { DeliveryOutcome } from "../notify/send";

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

/** Sends an alert through the configured notifiers; deliveries that failed come back as text. */
export async function raiseAlert(
  config: Pick<MonitoringConfig, "notifiers">,
  alert: AdhocAlert,
  deps: MonitorDeps = {},
): Promise<{ delivered: number; failed: string[] }> {
  const outcomes: DeliveryOutcome[] = await sendAdhocAlert(config, alert, deps);
  const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.notifier}: ${o.error ?? "failed"}`);
  return { delivered: outcomes.length - failed.length, failed };
}
