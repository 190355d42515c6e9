import { CHECKS_ALERT_STATE_KEY, emptyAlertState, writeAlertState } from "../../app/alerts/state";
import type { CheckResult, CheckStatus } from "../../app/checks/result";
import { parseAppConfig } from "../../app/config/load";
import { encodeEntries, type HistoryEntry, toHistoryEntry } from "../../app/history/entry";
import { dailyKey, dayOf } from "../../app/history/keys";
import { statsOf } from "../../app/history/stats";
import { writeSummary } from "../../app/history/summary";
import { writeRound } from "../../app/history/write";
import { writeHeartbeat } from "../../app/hosts/heartbeat";
import { type HostSnapshot, hostSnapshotSchema } from "../../app/metrics/snapshot";
import { LocalStore } from "../../app/storage/local-store";
import type { Store } from "../../app/storage/store";
import { createDashboard, type Dashboard, type DashboardOptions } from "../../dashboard/app";
import { type DashboardAppConfig, dashboardAppConfigSchema } from "../../dashboard/config";
import snapshotJson from "../fixtures/monitoring/host-snapshot.json";

export const HOSTILE_NAME = "<img src=x onerror=alert(1)>";
export const TOKEN = "s3cr3t-operator-token";
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Three checks: a public one, an operator-only one, and a public one with a hostile name. Targets
 * are never probed here: the dashboard only reads stored state.
 */
export function testConfig(
  dashboard: Record<string, unknown> = {},
  dir = ".opsdeck/test",
): DashboardAppConfig {
  return parseAppConfig(
    {
      storage: { type: "local", dir },
      checks: [
        { id: "web", name: "Web site", type: "http", url: "http://127.0.0.1:9/", group: "Site" },
        { id: "api", name: "Internal API", type: "http", url: "http://127.0.0.1:9/api", public: false },
        { id: "hostile", name: HOSTILE_NAME, type: "tcp", host: "127.0.0.1", port: 9 },
      ],
      dashboard,
    },
    "test config",
    { schema: dashboardAppConfigSchema },
  );
}

function result(
  checkId: string,
  at: Date,
  status: CheckStatus,
  durationMs: number,
  message = "OK",
): CheckResult {
  return {
    checkId,
    type: checkId === "hostile" ? "tcp" : "http",
    status,
    startedAt: at.toISOString(),
    durationMs,
    attempts: 1,
    message,
    conditions: [],
    ...(checkId === "hostile" ? {} : { statusCode: status === "down" ? 503 : 200 }),
  };
}

export interface SeedOptions {
  now: Date;
  /** Status of each check in the newest round. */
  latest?: Partial<Record<string, CheckStatus>>;
  /** Message of each check in the newest round. */
  messages?: Partial<Record<string, string>>;
}

/**
 * 90 days of history in the layout compaction leaves behind: per-check summaries for the older
 * days (one result a day, a bad day for `web` ten days ago), daily files with a result every
 * 30 minutes over the last day, and one fresh round not compacted yet. Written directly, because
 * running 90 days of compaction with fsync'd writes would cost seconds per suite.
 */
export async function seedHistory(store: Store, options: SeedOptions): Promise<void> {
  const now = options.now.getTime();
  const ids = ["web", "api", "hostile"];
  const days = new Map<string, HistoryEntry[]>();
  const add = (entry: HistoryEntry) => {
    const key = `${entry.checkId}|${entry.at.slice(0, 10)}`;
    days.set(key, [...(days.get(key) ?? []), entry]);
  };
  for (let d = 89; d >= 2; d--) {
    const at = new Date(now - d * DAY);
    for (const id of ids)
      add(toHistoryEntry(result(id, at, id === "web" && d === 10 ? "down" : "up", 100 + d), `d${d}`));
  }
  for (let m = 48; m >= 1; m--) {
    const at = new Date(now - m * 30 * MINUTE);
    for (const id of ids)
      add(toHistoryEntry(result(id, at, "up", id === "web" ? 80 + (m % 7) * 10 : 40), `m${m}`));
  }
  const recentDays = new Set([dayOf(new Date(now)), dayOf(new Date(now - DAY))]);
  await Promise.all([
    ...ids.map((checkId) =>
      writeSummary(store, {
        checkId,
        updatedAt: options.now.toISOString(),
        days: Object.fromEntries(
          [...days]
            .filter(([key]) => key.startsWith(`${checkId}|`))
            .map(([key, entries]) => {
              const day = key.split("|")[1] as string;
              return [day, statsOf(day, entries)];
            }),
        ),
      }),
    ),
    ...[...days]
      .filter(([key]) => recentDays.has(key.split("|")[1] as string))
      .map(([key, entries]) => {
        const [checkId, day] = key.split("|") as [string, string];
        return store.put(dailyKey(checkId, day), encodeEntries(entries));
      }),
  ]);
  const at = new Date(now - MINUTE);
  await writeRound(store, {
    roundId: "latest",
    finishedAt: at,
    results: ids.map((id) =>
      result(id, at, options.latest?.[id] ?? "up", 90, options.messages?.[id] ?? "OK"),
    ),
  });
}

export function hostSnapshot(host: string): HostSnapshot {
  return { ...hostSnapshotSchema.parse(snapshotJson), host };
}

/** web01 fresh with backup and log reports, db01 silent for an hour (stale: down). */
export async function seedHosts(store: Store, now: Date): Promise<void> {
  await writeHeartbeat(store, hostSnapshot("web01"), {
    now: new Date(now.getTime() - 20_000),
    intervalMs: 30_000,
  });
  await writeHeartbeat(store, hostSnapshot("db01"), {
    now: new Date(now.getTime() - 3_600_000),
    intervalMs: 30_000,
  });
  await store.put(
    "hosts/web01.backup.json",
    JSON.stringify({
      updatedAt: now.toISOString(),
      jobs: [
        {
          label: "etc",
          lastSuccess: {
            completedAt: new Date(now.getTime() - 2 * 3_600_000).toISOString(),
            size: 5 * 1024 * 1024,
          },
          lastVerify: {
            checkedAt: new Date(now.getTime() - 3_600_000).toISOString(),
            ok: true,
            problems: [],
          },
        },
      ],
    }),
  );
  await store.put(
    "hosts/web01.logs.json",
    JSON.stringify({
      updatedAt: now.toISOString(),
      windowMinutes: 60,
      errors: 7,
      warnings: 3,
      topErrors: [{ message: "<script>alert('log')</script> upstream timed out", count: 4 }],
    }),
  );
}

/** An open incident on a public check and one on a host. */
export async function seedIncidents(store: Store, now: Date): Promise<void> {
  const state = emptyAlertState(now);
  const openedAt = new Date(now.getTime() - 15 * MINUTE).toISOString();
  state.open["check:web"] = {
    id: "inc-web",
    subject: "check:web",
    title: "Web site is down",
    severity: "critical",
    message: "HTTP 503 <b>bold</b>",
    openedAt,
    lastFailureAt: openedAt,
  };
  state.open["host:db01:heartbeat"] = {
    id: "inc-db01",
    subject: "host:db01:heartbeat",
    title: "db01 stopped sending heartbeats",
    severity: "critical",
    message: "no heartbeat for 1h",
    openedAt,
    lastFailureAt: openedAt,
  };
  await writeAlertState(store, CHECKS_ALERT_STATE_KEY, state);
}

/** A store in a temp dir with the whole seed. */
export async function seededStore(
  dir: string,
  now: Date,
  seed: Omit<SeedOptions, "now"> = {},
): Promise<LocalStore> {
  const store = new LocalStore(dir);
  await seedHistory(store, { now, ...seed });
  await seedHosts(store, now);
  await seedIncidents(store, now);
  return store;
}

/** A store that counts reads, to show which requests touch it (a wrapper, not a mock: it delegates). */
export function countingStore(inner: Store): Store & { reads: () => number } {
  let reads = 0;
  return {
    location: inner.location,
    get: (key) => {
      reads++;
      return inner.get(key);
    },
    put: (key, body, options) => inner.put(key, body, options),
    putStream: (key, body, options) => inner.putStream(key, body, options),
    getStream: (key) => {
      reads++;
      return inner.getStream(key);
    },
    head: (key) => inner.head(key),
    list: (prefix) => {
      reads++;
      return inner.list(prefix);
    },
    delete: (key) => inner.delete(key),
    reads: () => reads,
  };
}

export async function dashboardFor(
  config: DashboardAppConfig,
  store: Store,
  options: Partial<DashboardOptions> = {},
): Promise<Dashboard> {
  return createDashboard({ config, settings: config.dashboard, store, token: TOKEN, ...options });
}

export const bearer = { authorization: `Bearer ${TOKEN}` };
export const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
});
