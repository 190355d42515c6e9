import pLimit from "p-limit";
import type { MaintenanceWindow } from "../alerts/config";
import { activeWindow, upcomingWindows } from "../alerts/maintenance";
import { type Incident, openIncidents, readAlertScopes } from "../alerts/state";
import type { CheckConfig, CheckType } from "../checks/config";
import type { CheckResult } from "../checks/result";
import type { MonitoringConfig } from "../config/schema";
import type { HistoryDecodeCache } from "../history/decode-cache";
import { type CheckHistoryView, loadCheckHistory, readPendingEntries, responseTimes } from "../history/read";
import type { LatencyPoint } from "../history/stats";
import { readLatest } from "../history/write";
import { type HostStatus, readHosts } from "../hosts/heartbeat";
import type { Store } from "../storage/store";
import { displayName } from "./observations";

export type OverallStatus = "up" | "degraded" | "down" | "unknown";

export interface CheckStatusView {
  id: string;
  name: string;
  type: CheckType;
  group?: string;
  description?: string;
  public: boolean;
  /** The newest result; undefined before the first round. */
  latest?: CheckResult;
  uptime: CheckHistoryView["uptime"];
  /** One entry per UTC day (oldest first, ending today) for uptime bars. */
  days: CheckHistoryView["days"];
  /** Last 24 h in 10-minute buckets. */
  responseTimes: LatencyPoint[];
  /** Id of the maintenance window covering the check now. */
  maintenance?: string;
}

export interface StatusOverview {
  generatedAt: string;
  /** When the newest round was saved. */
  updatedAt?: string;
  overall: OverallStatus;
  checks: CheckStatusView[];
  incidents: { open: Incident[]; recent: Incident[] };
  maintenance: { active: MaintenanceWindow[]; upcoming: MaintenanceWindow[] };
  hosts: HostStatus[];
  /** Stored state that could not be read (a damaged alert state), for operators. */
  problems: string[];
}

/** down if any check is down, degraded if any is degraded, unknown with no results (pure). */
export function overallStatus(checks: ReadonlyArray<Pick<CheckStatusView, "latest">>): OverallStatus {
  const statuses = checks.map((c) => c.latest?.status).filter((s) => s !== undefined);
  if (statuses.length === 0) return "unknown";
  if (statuses.includes("down")) return "down";
  if (statuses.includes("degraded")) return "degraded";
  return "up";
}

/**
 * Everything the dashboard shows, read from stored state only (never probing). Cost: the latest
 * snapshot, the pending rounds once, three small objects per check, alert states and heartbeats.
 * Cache the result; it is a plain JSON-able object.
 */
export async function readStatusOverview(
  config: MonitoringConfig,
  store: Store,
  options: {
    now?: Date;
    days?: number;
    concurrency?: number;
    /** Kept across calls by a reader that refreshes (the dashboard): unchanged history is not parsed again. */
    decodeCache?: HistoryDecodeCache;
  } = {},
): Promise<StatusOverview> {
  const now = options.now ?? new Date();
  const limit = pLimit(options.concurrency ?? 8);
  const decodeCache = options.decodeCache;
  const [latest, pending, alerts, hosts] = await Promise.all([
    readLatest(store),
    readPendingEntries(store, 8, decodeCache),
    readAlertScopes(store, now),
    readHosts(store, { now, staleAfterMs: config.hosts.staleAfterMs }),
  ]);
  const checks = await Promise.all(
    config.checks.map((check) =>
      limit(async () => {
        const days = options.days ?? 90;
        const view = await loadCheckHistory(store, check.id, { now, pending, days, decodeCache });
        return checkView(check, latest?.results[check.id] as CheckResult | undefined, view, config, now);
      }),
    ),
  );
  decodeCache?.sweep();
  const recent = Object.values(alerts.scopes)
    .flatMap((s) => s.recent)
    .sort((a, b) => ((a.resolvedAt ?? "") < (b.resolvedAt ?? "") ? 1 : -1))
    .slice(0, 20);
  return {
    generatedAt: now.toISOString(),
    ...(latest ? { updatedAt: latest.updatedAt } : {}),
    overall: overallStatus(checks),
    checks,
    incidents: { open: openIncidents(alerts.scopes), recent },
    maintenance: {
      active: config.maintenance.filter((w) => w.start <= now && now < w.end),
      upcoming: upcomingWindows(config.maintenance, now).filter((w) => w.start > now),
    },
    hosts,
    problems: alerts.problems,
  };
}

function checkView(
  check: CheckConfig,
  latest: CheckResult | undefined,
  view: CheckHistoryView,
  config: MonitoringConfig,
  now: Date,
): CheckStatusView {
  const window = activeWindow(config.maintenance, { checkId: check.id }, now);
  return {
    id: check.id,
    name: displayName(check),
    type: check.type,
    ...(check.group ? { group: check.group } : {}),
    ...(check.description ? { description: check.description } : {}),
    public: check.public,
    ...(latest ? { latest } : {}),
    uptime: view.uptime,
    days: view.days,
    responseTimes: responseTimes(view, { now, hours: 24, bucketMs: 600_000 }),
    ...(window ? { maintenance: window.id } : {}),
  };
}
