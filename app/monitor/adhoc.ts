import type { MonitoringConfig } from "../config/schema";
import { silentLogger } from "../lib/logger";
import type { AlertEvent } from "../notify/event";
import { createNotifiers } from "../notify/notifiers";
import { type DeliveryOutcome, sendAlert } from "../notify/send";
import type { MonitorDeps } from "./deps";

export interface AdhocAlert {
  /** What it is about: `backup:web01`. */
  subject: string;
  severity: AlertEvent["severity"];
  title: string;
  message: string;
  /** Who raises it: `backups`. */
  source: string;
  /** Notifier names; all configured ones when empty or unset. */
  notifiers?: string[];
}

/**
 * Sends an alert raised outside the check rounds (a failed backup) through the configured
 * notifiers, with the same retries and secret handling. Never throws; returns each delivery.
 */
export function sendAdhocAlert(
  config: Pick<MonitoringConfig, "notifiers">,
  alert: AdhocAlert,
  deps: MonitorDeps = {},
): Promise<DeliveryOutcome[]> {
  const logger = deps.logger ?? silentLogger;
  const notifiers =
    deps.notifiers ??
    createNotifiers(config.notifiers, { logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const event: AlertEvent = {
    kind: "adhoc",
    subject: alert.subject,
    severity: alert.severity,
    title: alert.title,
    message: alert.message,
    at: (deps.now?.() ?? new Date()).toISOString(),
    source: alert.source,
  };
  return sendAlert(notifiers, event, { names: alert.notifiers ?? [], logger });
}
