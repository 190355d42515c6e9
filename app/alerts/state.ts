import { z } from "zod";
import type { Store } from "../storage/store";

const eventSchema = z.object({
  kind: z.enum(["opened", "resolved", "reminder", "adhoc"]),
  subject: z.string(),
  severity: z.enum(["warning", "critical"]),
  title: z.string(),
  message: z.string(),
  at: z.string(),
  openedAt: z.string().optional(),
  source: z.string().optional(),
});

const incidentSchema = z.object({
  id: z.string(),
  subject: z.string(),
  title: z.string(),
  severity: z.enum(["warning", "critical"]),
  message: z.string(),
  openedAt: z.string(),
  lastFailureAt: z.string(),
  lastNotifiedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
});

const subjectSchema = z.object({
  failures: z.number(),
  successes: z.number(),
  lastObservedAt: z.string(),
});

const suppressionSchema = z.object({
  subject: z.string(),
  window: z.string(),
  firstAt: z.string(),
  lastAt: z.string(),
  count: z.number(),
  message: z.string(),
});

const undeliveredSchema = z.object({
  event: eventSchema,
  /** Notifiers that have not accepted the event yet. */
  notifiers: z.array(z.string()),
  queuedAt: z.string(),
  tries: z.number(),
});

/**
 * Alert state of one writer, kept in one object: the checks round's in `state/alerts/checks.json`,
 * each agent's in `hosts/<host>.alerts.json` (an instance may write only `hosts/<host>.*`).
 * Exactly one process writes each object, so there is no race.
 */
export const alertStateSchema = z.object({
  version: z.literal(1),
  updatedAt: z.string(),
  subjects: z.record(z.string(), subjectSchema),
  open: z.record(z.string(), incidentSchema),
  /** Resolved incidents, newest first (bounded). */
  recent: z.array(incidentSchema),
  /** Alerts a maintenance window held back, one record per subject and window (bounded). */
  suppressed: z.array(suppressionSchema),
  /** Events some notifier has not accepted yet; retried on later rounds (bounded by age). */
  undelivered: z.array(undeliveredSchema),
});

export type AlertState = z.output<typeof alertStateSchema>;
export type Incident = z.output<typeof incidentSchema>;
export type Suppression = z.output<typeof suppressionSchema>;
export type Undelivered = z.output<typeof undeliveredSchema>;

export function emptyAlertState(now: Date): AlertState {
  return {
    version: 1,
    updatedAt: now.toISOString(),
    subjects: {},
    open: {},
    recent: [],
    suppressed: [],
    undelivered: [],
  };
}

export const CHECKS_ALERT_STATE_KEY = "state/alerts/checks.json";

export function hostAlertStateKey(host: string): string {
  return `hosts/${host}.alerts.json`;
}

export class AlertStateError extends Error {
  override readonly name = "AlertStateError";
}

/**
 * Reads an alert state. A missing object is a fresh start; a damaged one is an error rather than
 * a silent reset, so open incidents are never forgotten by accident.
 */
export async function readAlertState(store: Store, key: string, now: Date): Promise<AlertState> {
  const body = await store.get(key);
  if (!body) return emptyAlertState(now);
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new AlertStateError(`${key} in ${store.location} is not valid JSON`, { cause: error });
  }
  const parsed = alertStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new AlertStateError(`${key} in ${store.location} does not match the alert state schema`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

export async function writeAlertState(store: Store, key: string, state: AlertState): Promise<void> {
  await store.put(key, JSON.stringify(state), { contentType: "application/json" });
}

/**
 * Every alert state, by key (for the dashboard): the checks round's and each host's.
 * A damaged one is reported in `problems`, not hidden and not fatal.
 */
export async function readAlertScopes(
  store: Store,
  now = new Date(),
): Promise<{ scopes: Record<string, AlertState>; problems: string[] }> {
  const scopes: Record<string, AlertState> = {};
  const problems: string[] = [];
  const keys: string[] = [];
  for await (const object of store.list("state/alerts/"))
    if (object.key.endsWith(".json")) keys.push(object.key);
  for await (const object of store.list("hosts/"))
    if (object.key.endsWith(".alerts.json")) keys.push(object.key);
  await Promise.all(
    keys.map(async (key) => {
      try {
        scopes[key] = await readAlertState(store, key, now);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }),
  );
  return { scopes, problems };
}

/** Open incidents across scopes, newest first. */
export function openIncidents(scopes: Record<string, AlertState>): Incident[] {
  return Object.values(scopes)
    .flatMap((s) => Object.values(s.open))
    .sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0));
}
