import type { AlertEvent } from "../notify/event";
import type { AlertRules } from "./config";
import type { AlertState, Incident } from "./state";

/** One observation of a subject in a round or sample. */
export interface Observation {
  /** Stable key: `check:web`, `host:web01:disk:/var`, `host:web01:heartbeat`. */
  subject: string;
  /** Display name: "Web", "web01 disk /var". */
  name: string;
  ok: boolean;
  /** How bad a failure is (ignored when ok). */
  severity: "warning" | "critical";
  /** Headline for a failure: "Web is down". */
  title: string;
  message: string;
  rules: AlertRules;
  /** Id of the maintenance window covering the subject now. */
  maintenance?: string;
}

export interface RoutedEvent {
  event: AlertEvent;
  /** Notifier names; empty means all. */
  notifiers: string[];
}

export const RECENT_LIMIT = 50;
export const SUPPRESSED_LIMIT = 100;

/**
 * The alert rules as a pure state transition: open after N consecutive failures, resolve after M
 * consecutive successes, remind while open, and inside a maintenance window record instead of alert.
 * Returns the next state (the input is not modified) and the events to send.
 */
export function evaluateAlerts(
  previous: AlertState,
  observations: readonly Observation[],
  options: { now: Date; source: string },
): { state: AlertState; events: RoutedEvent[] } {
  const state: AlertState = structuredClone(previous);
  const at = options.now.toISOString();
  const events: RoutedEvent[] = [];
  const emit = (
    kind: AlertEvent["kind"],
    incident: Incident,
    o: Observation,
    title: string,
    message: string,
  ) => {
    events.push({
      event: {
        kind,
        subject: o.subject,
        severity: incident.severity,
        title,
        message,
        at,
        openedAt: incident.openedAt,
        source: options.source,
      },
      notifiers: o.rules.notifiers,
    });
  };

  for (const o of observations) {
    if (o.maintenance) {
      if (!o.ok) recordSuppression(state, o, at);
      continue; // counters stand still: an outage during planned work does not count toward opening
    }
    const subject = state.subjects[o.subject] ?? { failures: 0, successes: 0, lastObservedAt: at };
    subject.lastObservedAt = at;
    const open = state.open[o.subject];
    if (o.ok) {
      subject.successes++;
      subject.failures = 0;
      if (open && subject.successes >= o.rules.resolveAfter) {
        const resolved: Incident = { ...open, resolvedAt: at };
        delete state.open[o.subject];
        state.recent = [resolved, ...state.recent].slice(0, RECENT_LIMIT);
        if (o.rules.notifyResolved) emit("resolved", resolved, o, `${o.name} recovered`, o.message);
      }
    } else {
      subject.failures++;
      subject.successes = 0;
      if (!open && subject.failures >= o.rules.openAfter) {
        const incident: Incident = {
          id: `${o.subject}@${at}`,
          subject: o.subject,
          title: o.title,
          severity: o.severity,
          message: o.message,
          openedAt: at,
          lastFailureAt: at,
          lastNotifiedAt: at,
        };
        state.open[o.subject] = incident;
        emit("opened", incident, o, o.title, o.message);
      } else if (open) {
        // Severity only escalates while open, so a critical incident is not downgraded by one warning.
        const severity = open.severity === "critical" ? "critical" : o.severity;
        const updated: Incident = {
          ...open,
          title: o.title,
          message: o.message,
          lastFailureAt: at,
          severity,
        };
        const last = Date.parse(open.lastNotifiedAt ?? open.openedAt);
        if (o.rules.remindEveryMs > 0 && options.now.getTime() - last >= o.rules.remindEveryMs) {
          updated.lastNotifiedAt = at;
          emit("reminder", updated, o, o.title, o.message);
        }
        state.open[o.subject] = updated;
      }
    }
    state.subjects[o.subject] = subject;
  }
  state.updatedAt = at;
  return { state, events };
}

function recordSuppression(state: AlertState, o: Observation, at: string): void {
  const existing = state.suppressed.find((s) => s.subject === o.subject && s.window === o.maintenance);
  if (existing) {
    existing.lastAt = at;
    existing.count++;
    existing.message = o.message;
    return;
  }
  state.suppressed = [
    {
      subject: o.subject,
      window: o.maintenance ?? "",
      firstAt: at,
      lastAt: at,
      count: 1,
      message: o.message,
    },
    ...state.suppressed,
  ].slice(0, SUPPRESSED_LIMIT);
}
