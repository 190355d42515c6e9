import { z } from "zod";
import { type HostSnapshot, hostSnapshotSchema } from "../metrics/snapshot";
import type { Store } from "../storage/store";

export const HOSTS_PREFIX = "hosts/";

export function heartbeatKey(host: string): string {
  return `${HOSTS_PREFIX}${host}.json`;
}

/** What an agent writes to `hosts/<name>.json`: its latest snapshot and when it sent it. */
export const heartbeatSchema = z.object({
  version: z.literal(1),
  host: z.string(),
  sentAt: z.string(),
  /** How often the agent means to send, so readers can tell late from dead. */
  intervalMs: z.number(),
  snapshot: hostSnapshotSchema,
});

export type Heartbeat = z.output<typeof heartbeatSchema>;

export async function writeHeartbeat(
  store: Store,
  snapshot: HostSnapshot,
  options: { now: Date; intervalMs: number },
): Promise<Heartbeat> {
  const heartbeat: Heartbeat = {
    version: 1,
    host: snapshot.host,
    sentAt: options.now.toISOString(),
    intervalMs: options.intervalMs,
    snapshot,
  };
  await store.put(heartbeatKey(snapshot.host), JSON.stringify(heartbeat), {
    contentType: "application/json",
  });
  return heartbeat;
}

export interface HostStatus {
  host: string;
  /** down when the heartbeat is older than the allowed age, or unreadable. */
  status: "up" | "down";
  lastSeen?: string;
  ageMs?: number;
  snapshot?: HostSnapshot;
  /** Why a host is down, for people. */
  problem?: string;
}

/**
 * Every host that ever sent a heartbeat, with its age; stale or unreadable ones count as down.
 * `hosts/` also holds other per-host files (`hosts/<host>.<kind>.json`: alerts, backup, logs);
 * those are recognised by their known host's name, or by not being heartbeat-shaped, and skipped.
 */
export async function readHosts(
  store: Store,
  options: { now: Date; staleAfterMs: number },
): Promise<HostStatus[]> {
  const names: string[] = [];
  for await (const object of store.list(HOSTS_PREFIX)) {
    const rest = object.key.slice(HOSTS_PREFIX.length);
    if (rest.endsWith(".json") && !rest.includes("/")) names.push(rest.slice(0, -".json".length));
  }
  const known = new Set(names);
  const candidates = names.filter((name) => {
    const dot = name.lastIndexOf(".");
    return !(dot > 0 && /^[a-z][a-z0-9-]*$/.test(name.slice(dot + 1)) && known.has(name.slice(0, dot)));
  });
  const statuses = await Promise.all(candidates.map((name) => readHost(store, name, options)));
  return statuses.filter((s): s is HostStatus => s !== undefined);
}

async function readHost(
  store: Store,
  host: string,
  options: { now: Date; staleAfterMs: number },
): Promise<HostStatus | undefined> {
  const body = await store.get(heartbeatKey(host));
  let json: unknown;
  try {
    json = JSON.parse(body?.toString("utf8") ?? "");
  } catch {
    return { host, status: "down", problem: "heartbeat is unreadable" };
  }
  // Another kind of per-host file whose host has not sent a heartbeat yet.
  if (typeof json === "object" && json !== null && !("snapshot" in json)) return undefined;
  const parsed = heartbeatSchema.safeParse(json);
  if (!parsed.success) return { host, status: "down", problem: "heartbeat is unreadable" };
  const heartbeat: Heartbeat = parsed.data;
  const ageMs = Math.max(0, options.now.getTime() - Date.parse(heartbeat.sentAt));
  const stale = ageMs > options.staleAfterMs;
  return {
    host,
    status: stale ? "down" : "up",
    lastSeen: heartbeat.sentAt,
    ageMs,
    snapshot: heartbeat.snapshot,
    ...(stale ? { problem: `no heartbeat for ${formatAge(ageMs)}` } : {}),
  };
}

/** "3m 20s", "2h 5m", "4d 1h": ages for people. */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
