import type { Logger } from "../lib/logger";
import type { Notifier } from "../notify/notifiers";
import { sendAlert } from "../notify/send";
import type { Store } from "../storage/store";
import { evaluateAlerts, type Observation, type RoutedEvent } from "./engine";
import { type AlertState, readAlertState, type Undelivered, writeAlertState } from "./state";

export interface AlertCycleOptions {
  store: Store;
  /** Where this writer's state lives: CHECKS_ALERT_STATE_KEY or hostAlertStateKey(host). */
  stateKey: string;
  /** Recorded on events: `checks`, `agent:web01`. */
  source: string;
  notifiers: readonly Notifier[];
  logger: Logger;
  now: Date;
  /** Events no notifier accepted within this long are dropped (and logged). Default 24 h. */
  maxUndeliveredAgeMs?: number;
  /** Events raised outside the rules (remediation attempts), queued and delivered like the rest. */
  extraEvents?: readonly RoutedEvent[];
}

export interface AlertCycleReport {
  events: RoutedEvent[];
  /** Events still waiting for a notifier after this cycle. */
  undelivered: number;
  state: AlertState;
}

/**
 * One alerting step: evaluate the rules, persist the new state with the new events queued, then
 * deliver everything queued. The state is written before any notifier is called, so an outage
 * (or a crash) while notifying loses neither the alert state nor the notification, which is
 * retried on the next cycle.
 */
export async function runAlertCycle(
  observations: readonly Observation[],
  options: AlertCycleOptions,
): Promise<AlertCycleReport> {
  const { store, stateKey, now } = options;
  const previous = await readAlertState(store, stateKey, now);
  const evaluated = evaluateAlerts(previous, observations, { now, source: options.source });
  const state = evaluated.state;
  const events = [...evaluated.events, ...(options.extraEvents ?? [])];
  const allNames = options.notifiers.map((n) => n.name);
  for (const routed of events) {
    const names = routed.notifiers.length > 0 ? routed.notifiers : allNames;
    if (names.length > 0) {
      state.undelivered.push({
        event: routed.event,
        notifiers: names,
        queuedAt: now.toISOString(),
        tries: 0,
      });
    }
  }
  // Steady and healthy (the common case): nothing worth a write, so a sample does not cost a PUT.
  if (!isQuiet(previous, state)) await writeAlertState(store, stateKey, state);

  if (state.undelivered.length > 0) {
    state.undelivered = await deliverQueued(state.undelivered, options);
    await writeAlertState(store, stateKey, state);
  }
  return { events, undelivered: state.undelivered.length, state };
}

async function deliverQueued(
  queue: readonly Undelivered[],
  options: AlertCycleOptions,
): Promise<Undelivered[]> {
  const maxAge = options.maxUndeliveredAgeMs ?? 86_400_000;
  const known = new Set(options.notifiers.map((n) => n.name));
  // A notifier that failed once this cycle is skipped for the rest of it: a dead endpoint costs
  // one set of retries per cycle, not one per queued event.
  const failing = new Set<string>();
  const remaining: Undelivered[] = [];
  for (const item of queue) {
    const targets = item.notifiers.filter((name) => known.has(name));
    if (targets.length === 0) continue; // its notifiers were removed from the config
    if (options.now.getTime() - Date.parse(item.queuedAt) > maxAge) {
      options.logger.error(
        { subject: item.event.subject, kind: item.event.kind, notifiers: targets, tries: item.tries },
        "dropping an alert notification no notifier accepted in time",
      );
      continue;
    }
    const tryNow = targets.filter((name) => !failing.has(name));
    const outcomes =
      tryNow.length > 0
        ? await sendAlert(options.notifiers, item.event, { names: tryNow, logger: options.logger })
        : [];
    const failed = outcomes.filter((o) => !o.ok).map((o) => o.notifier);
    for (const name of failed) failing.add(name);
    const left = targets.filter((name) => !tryNow.includes(name) || failed.includes(name));
    if (left.length > 0)
      remaining.push({ ...item, notifiers: left, tries: item.tries + (tryNow.length > 0 ? 1 : 0) });
  }
  return remaining;
}

/** Nothing open, failing, queued or newly suppressed, before or after. */
function isQuiet(before: AlertState, after: AlertState): boolean {
  const calm = (s: AlertState) =>
    Object.keys(s.open).length === 0 &&
    s.undelivered.length === 0 &&
    Object.values(s.subjects).every((subject) => subject.failures === 0);
  return (
    calm(before) && calm(after) && JSON.stringify(before.suppressed) === JSON.stringify(after.suppressed)
  );
}
