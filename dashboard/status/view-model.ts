import type { MaintenanceWindow } from "../../app/alerts/config";
import type { Incident } from "../../app/alerts/state";
import type { LatencyPoint } from "../../app/history/stats";
import type { HostStatus } from "../../app/hosts/heartbeat";
import {
  type CheckStatusView,
  type OverallStatus,
  overallStatus,
  type StatusOverview,
} from "../../app/monitor/status";
import type { Viewer } from "../auth-types";

export type UptimeWindowName = "24h" | "7d" | "30d" | "90d";
export const UPTIME_WINDOWS: readonly UptimeWindowName[] = ["24h", "7d", "30d", "90d"];

export interface DayView {
  day: string;
  /** Ratio in [0, 1]; null when nothing was measured that day. */
  uptime: number | null;
  total: number;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  avgMs: number | null;
}

/** One check as the status page and `/api/status` show it. */
export interface CheckView {
  id: string;
  name: string;
  type: string;
  group?: string;
  description?: string;
  public: boolean;
  /** unknown before the first result. */
  status: OverallStatus;
  message?: string;
  checkedAt?: string;
  durationMs?: number;
  statusCode?: number;
  /** Id of the maintenance window covering the check now. */
  maintenance?: string;
  uptime: Record<UptimeWindowName, number | null>;
  /** One per UTC day, oldest first, ending today. */
  days: DayView[];
  /** Last 24 h in 10-minute buckets. */
  responseTimes: LatencyPoint[];
}

export interface IncidentView {
  id: string;
  subject: string;
  title: string;
  severity: Incident["severity"];
  message: string;
  openedAt: string;
  resolvedAt?: string;
}

export interface MaintenanceView {
  id: string;
  title: string;
  start: string;
  end: string;
  /** Checks covered; empty means all. */
  checks: string[];
  /** Hosts covered (operators only); empty means all. */
  hosts?: string[];
}

/** The status page's data for one kind of viewer. The public one holds no host or operator detail. */
export interface StatusView {
  generatedAt: string;
  updatedAt?: string;
  overall: OverallStatus;
  checks: CheckView[];
  incidents: { open: IncidentView[]; recent: IncidentView[] };
  maintenance: { active: MaintenanceView[]; upcoming: MaintenanceView[] };
  /** Operators only. */
  hosts?: HostStatus[];
  /** Operators only: stored state that could not be read. */
  problems?: string[];
}

/**
 * Narrows the overview to what a viewer may see (pure): the public sees checks marked public, the
 * incidents of those checks and the maintenance windows that cover them; operators see everything.
 */
export function statusView(overview: StatusOverview, viewer: Viewer): StatusView {
  const operator = viewer === "operator";
  const shown = overview.checks.filter((c) => operator || c.public);
  const visible = new Set(shown.map((c) => c.id));
  const incidentVisible = (i: Incident) =>
    operator || (i.subject.startsWith("check:") && visible.has(i.subject.slice("check:".length)));
  const windowVisible = (w: MaintenanceWindow) =>
    operator || w.checks.length === 0 || w.checks.some((id) => visible.has(id));
  const maintenance = (w: MaintenanceWindow): MaintenanceView => ({
    id: w.id,
    title: w.title,
    start: new Date(w.start).toISOString(),
    end: new Date(w.end).toISOString(),
    checks: w.checks.filter((id) => operator || visible.has(id)),
    ...(operator ? { hosts: w.hosts } : {}),
  });
  return {
    generatedAt: overview.generatedAt,
    ...(overview.updatedAt ? { updatedAt: overview.updatedAt } : {}),
    overall: overallStatus(shown),
    checks: shown.map(checkView),
    incidents: {
      open: overview.incidents.open.filter(incidentVisible).map(incidentView),
      recent: overview.incidents.recent.filter(incidentVisible).map(incidentView),
    },
    maintenance: {
      active: overview.maintenance.active.filter(windowVisible).map(maintenance),
      upcoming: overview.maintenance.upcoming.filter(windowVisible).map(maintenance),
    },
    ...(operator ? { hosts: overview.hosts, problems: overview.problems } : {}),
  };
}

function checkView(check: CheckStatusView): CheckView {
  const latest = check.latest;
  return {
    id: check.id,
    name: check.name,
    type: check.type,
    ...(check.group ? { group: check.group } : {}),
    ...(check.description ? { description: check.description } : {}),
    public: check.public,
    status: latest?.status ?? "unknown",
    ...(latest
      ? {
          message: latest.message,
          checkedAt: latest.startedAt,
          durationMs: latest.durationMs,
          ...(latest.statusCode !== undefined ? { statusCode: latest.statusCode } : {}),
        }
      : {}),
    ...(check.maintenance ? { maintenance: check.maintenance } : {}),
    uptime: {
      "24h": check.uptime["24h"].ratio,
      "7d": check.uptime["7d"].ratio,
      "30d": check.uptime["30d"].ratio,
      "90d": check.uptime["90d"].ratio,
    },
    days: check.days.map((d) => ({
      day: d.day,
      uptime: d.uptime,
      total: d.total,
      up: d.up,
      degraded: d.degraded,
      down: d.down,
      maintenance: d.maintenance,
      avgMs: d.avgMs,
    })),
    responseTimes: check.responseTimes,
  };
}

function incidentView(incident: Incident): IncidentView {
  return {
    id: incident.id,
    subject: incident.subject,
    title: incident.title,
    severity: incident.severity,
    message: incident.message,
    openedAt: incident.openedAt,
    ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt } : {}),
  };
}
