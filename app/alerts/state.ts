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
 * Alert state of one writer (the checks round, or one host's agent), kept in one object
 * (`state/alerts/<scope>.json`): exactly one process writes each scope, so there is no race.
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

export function alertStateKey(scope: string): string {
  return `state/alerts/${scope}.json`;
}

export class AlertStateError extends Error {
  override readonly name = "AlertStateError";
}

/**
 * Reads a scope's alert state. A missing object is a fresh start; a damaged one is an error
 * rather than a silent reset, so open incidents are never forgotten by accident.
 */
export async function readAlertState(store: Store, scope: string, now: Date): Promise<AlertState> {
  const key = alertStateKey(scope);
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

export async function writeAlertState(store: Store, scope: string, state: AlertState): Promise<void> {
  await store.put(alertStateKey(scope), JSON.stringify(state), { contentType: "application/json" });
}

/** Every scope's alert state (for the dashboard); a damaged scope is reported, not hidden. */
export async function readAlertScopes(
  store: Store,
  now = new Date(),
): Promise<{ scopes: Record<string, AlertState>; problems: string[] }> {
  const scopes: Record<string, AlertState> = {};
  const problems: string[] = [];
  for await (const object of store.list("state/alerts/")) {
    const scope = object.key.slice("state/alerts/".length).replace(/\.json$/, "");
    try {
      scopes[scope] = await readAlertState(store, scope, now);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { scopes, problems };
}

/** Open incidents across scopes, newest first. */
export function openIncidents(scopes: Record<string, AlertState>): Incident[] {
  return Object.values(scopes)
    .flatMap((s) => Object.values(s.open))
    .sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0));
}
