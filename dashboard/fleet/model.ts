import type { Incident } from "../../app/alerts/state";
import { recordedFreshness } from "../../app/backup/freshness";
import type { HostStatus } from "../../app/hosts/heartbeat";
import type { AttemptRecord } from "../../app/remediation/state";
import type { DashboardState } from "../state";
import type { HostBackupReport, HostLogReport } from "./host-reports";

/** One backup job of a host in the fleet view. */
export interface BackupJobSummary {
  label: string;
  /** When the job's last success completed. */
  lastSuccessAt?: string;
  ageMs?: number;
  sizeBytes?: number;
  /** The job's threshold: the one recorded with its last success, else 48 h (app/backup/freshness.ts). */
  staleAfterMs: number;
  /** The last success is older than `staleAfterMs`, or the job never succeeded. */
  stale: boolean;
  /** The job's last verification. */
  verify?: { ok: boolean; checkedAt: string; problems: string[] };
  /** The job's last failure, when newer than its last success. */
  failure?: { at: string; error: string };
}

export interface BackupSummary {
  /** Every job the host reported, by label: one fresh job does not hide a stale one. */
  jobs: BackupJobSummary[];
  /** Labels of the stale jobs. */
  stale: string[];
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
  /** Block devices with their rates since the previous sample (null on the first one). */
  diskIO: {
    device: string;
    utilizationPercent: number | null;
    readBytesPerSecond: number | null;
    writeBytesPerSecond: number | null;
  }[];
  /** TCP connect time to each configured peer; a failed connect keeps its reason. */
  latency: { target: string; up: boolean; connectMs: number | null; error?: string }[];
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
  /** The latest check remediation attempts (started, succeeded, failed, suppressed), newest first. */
  remediations: AttemptRecord[];
  /** Stored state that could not be read. */
  problems: string[];
}

/** Remediation attempts the fleet view lists. */
export const REMEDIATION_ROWS = 20;

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
        diskIO: (snapshot?.diskIO ?? []).map((d) => ({
          device: d.device,
          utilizationPercent: d.ioUtilizationPercent,
          readBytesPerSecond: d.readBytesPerSecond,
          writeBytesPerSecond: d.writeBytesPerSecond,
        })),
        latency: (snapshot?.latency ?? []).map((l) => ({
          target: l.target,
          up: l.up,
          connectMs: l.connectSeconds === null ? null : l.connectSeconds * 1_000,
          ...(l.error ? { error: l.error } : {}),
        })),
        alerts: state.overview.incidents.open
          .filter((i) => i.subject.startsWith(`host:${h.host}:`))
          .map((i) => ({ subject: i.subject, severity: i.severity, title: i.title, openedAt: i.openedAt })),
        backup: reports?.backup ? backupSummary(reports.backup, now) : null,
        logs: reports?.logs ? logSummary(reports.logs) : null,
      };
    });
  const problems = [
    ...state.overview.problems,
    ...Object.values(state.reports).flatMap((r) => r.problems),
    ...(state.remediation?.problem ? [state.remediation.problem] : []),
  ];
  const remediations = (state.remediation?.attempts ?? []).slice(0, REMEDIATION_ROWS);
  return { generatedAt: state.overview.generatedAt, hosts, remediations, problems };
}

/** Each job's last success, verification and failure, and whether it is stale (pure). */
export function backupSummary(report: HostBackupReport, now: number): BackupSummary {
  const jobs = [...report.jobs]
    .sort((a, b) => a.label.localeCompare(b.label))
    .map((job): BackupJobSummary => {
      const success = job.lastSuccess;
      const { staleAfterMs, stale, ageMs } = recordedFreshness(job, new Date(now));
      const failure = job.lastFailure;
      return {
        label: job.label,
        ...(success ? { lastSuccessAt: success.completedAt, ageMs, sizeBytes: success.size } : {}),
        staleAfterMs,
        stale,
        ...(job.lastVerify
          ? {
              verify: {
                ok: job.lastVerify.ok,
                checkedAt: job.lastVerify.checkedAt,
                problems: job.lastVerify.problems ?? [],
              },
            }
          : {}),
        ...(failure && (!success || Date.parse(failure.failedAt) > Date.parse(success.completedAt))
          ? { failure: { at: failure.failedAt, error: failure.error } }
          : {}),
      };
    });
  return { jobs, stale: jobs.filter((j) => j.stale).map((j) => j.label) };
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
