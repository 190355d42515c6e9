import type { Incident } from "../../app/alerts/state";
import type { HostStatus } from "../../app/hosts/heartbeat";
import type { DashboardState } from "../state";
import type { HostBackupReport, HostLogReport } from "./host-reports";

export interface BackupSummary {
  /** Backup jobs reported. */
  jobs: number;
  /** The newest successful backup across jobs. */
  lastSuccessAt?: string;
  ageMs?: number;
  sizeBytes?: number;
  /** The newest verification across jobs. */
  verify?: { ok: boolean; checkedAt: string; problems: string[] };
  /** A failure newer than every success. */
  failure?: { at: string; error: string };
}

export interface LogSummary {
  updatedAt: string;
  windowMinutes: number;
  errors: number;
  warnings?: number;
  topErrors: { message: string; count: number }[];
}

/** One row of the fleet view. */
export interface FleetHost {
  host: string;
  /** down when the heartbeat is stale or unreadable. */
  status: HostStatus["status"];
  lastSeen?: string;
  ageMs?: number;
  problem?: string;
  cpuPercent?: number;
  memoryPercent?: number;
  load1?: number;
  disks: { mount: string; usedPercent: number }[];
  /** Open alerts about this host (heartbeat and thresholds). */
  alerts: { subject: string; severity: Incident["severity"]; title: string; openedAt: string }[];
  /** null: the host has not reported backups. */
  backup: BackupSummary | null;
  /** null: the host has not reported log errors. */
  logs: LogSummary | null;
}

export interface FleetView {
  generatedAt: string;
  hosts: FleetHost[];
  /** Stored state that could not be read. */
  problems: string[];
}

/** The fleet view from a dashboard snapshot (pure). */
export function fleetView(state: DashboardState): FleetView {
  const now = Date.parse(state.overview.generatedAt);
  const hosts = [...state.overview.hosts]
    .sort((a, b) => a.host.localeCompare(b.host))
    .map((h): FleetHost => {
      const snapshot = h.snapshot;
      const reports = state.reports[h.host];
      return {
        host: h.host,
        status: h.status,
        ...(h.lastSeen ? { lastSeen: h.lastSeen } : {}),
        ...(h.ageMs !== undefined ? { ageMs: h.ageMs } : {}),
        ...(h.problem ? { problem: h.problem } : {}),
        ...(snapshot
          ? {
              cpuPercent: snapshot.cpu.usedPercent,
              memoryPercent: snapshot.memory.usedPercent,
              load1: snapshot.load.load1,
            }
          : {}),
        disks: (snapshot?.filesystems ?? []).map((f) => ({ mount: f.mount, usedPercent: f.usedPercent })),
        alerts: state.overview.incidents.open
          .filter((i) => i.subject.startsWith(`host:${h.host}:`))
          .map((i) => ({ subject: i.subject, severity: i.severity, title: i.title, openedAt: i.openedAt })),
        backup: reports?.backup ? backupSummary(reports.backup, now) : null,
        logs: reports?.logs ? logSummary(reports.logs) : null,
      };
    });
  const problems = [...state.overview.problems, ...Object.values(state.reports).flatMap((r) => r.problems)];
  return { generatedAt: state.overview.generatedAt, hosts, problems };
}

/** Newest success, newest verification and a failure newer than any success, across jobs (pure). */
export function backupSummary(report: HostBackupReport, now: number): BackupSummary {
  const newest = <T>(items: (T | undefined)[], at: (t: T) => string): T | undefined =>
    items.filter((t): t is T => t !== undefined).sort((a, b) => (at(a) < at(b) ? 1 : -1))[0];
  const success = newest(
    report.jobs.map((j) => j.lastSuccess),
    (s) => s.completedAt,
  );
  const verify = newest(
    report.jobs.map((j) => j.lastVerify),
    (v) => v.checkedAt,
  );
  const failure = newest(
    report.jobs.map((j) => j.lastFailure),
    (f) => f.failedAt,
  );
  return {
    jobs: report.jobs.length,
    ...(success
      ? {
          lastSuccessAt: success.completedAt,
          ageMs: Math.max(0, now - Date.parse(success.completedAt)),
          sizeBytes: success.size,
        }
      : {}),
    ...(verify
      ? { verify: { ok: verify.ok, checkedAt: verify.checkedAt, problems: verify.problems ?? [] } }
      : {}),
    ...(failure && (!success || Date.parse(failure.failedAt) > Date.parse(success.completedAt))
      ? { failure: { at: failure.failedAt, error: failure.error } }
      : {}),
  };
}

function logSummary(report: HostLogReport): LogSummary {
  return {
    updatedAt: report.updatedAt,
    windowMinutes: report.windowMinutes,
    errors: report.errors,
    ...(report.warnings !== undefined ? { warnings: report.warnings } : {}),
    topErrors: (report.topErrors ?? []).slice(0, 5),
  };
}
