import { type AlertRules, alertRulesSchema } from "../alerts/config";
import type { Observation } from "../alerts/engine";
import { activeWindow } from "../alerts/maintenance";
import type { CheckConfig } from "../checks/config";
import type { CheckResult } from "../checks/result";
import type { MonitoringConfig } from "../config/schema";
import { formatAge, type HostStatus } from "../hosts/heartbeat";
import type { ThresholdReading } from "../metrics/thresholds";

/** Pure translations of check results, heartbeats and threshold readings into alert observations. */

export function rulesFor(config: MonitoringConfig, check?: CheckConfig): AlertRules {
  return check?.alerts ? alertRulesSchema.parse({ ...config.alerts, ...check.alerts }) : config.alerts;
}

export function displayName(check: CheckConfig): string {
  return check.name ?? check.id;
}

/** A check alerts when down (critical) or degraded (warning); up is a success. */
export function checkObservations(config: MonitoringConfig, results: readonly CheckResult[]): Observation[] {
  const byId = new Map(config.checks.map((c) => [c.id, c]));
  return results.flatMap((result) => {
    const check = byId.get(result.checkId);
    if (!check) return [];
    const name = displayName(check);
    return [
      {
        subject: `check:${check.id}`,
        name,
        ok: result.status === "up",
        severity: result.status === "down" ? "critical" : "warning",
        title: `${name} is ${result.status}`,
        message: result.message,
        rules: rulesFor(config, check),
        ...(result.maintenance ? { maintenance: result.maintenance } : {}),
      },
    ];
  });
}

/** A host whose heartbeat went stale is down (critical). */
export function heartbeatObservations(
  config: MonitoringConfig,
  hosts: readonly HostStatus[],
  now: Date,
): Observation[] {
  return hosts.map((host) => {
    const window = activeWindow(config.maintenance, { host: host.host }, now);
    return {
      subject: `host:${host.host}:heartbeat`,
      name: host.host,
      ok: host.status === "up",
      severity: "critical",
      title: `${host.host} is down`,
      message:
        host.problem ??
        (host.ageMs !== undefined ? `last heartbeat ${formatAge(host.ageMs)} ago` : "heartbeat received"),
      rules: config.alerts,
      ...(window ? { maintenance: window.id } : {}),
    };
  });
}

/** A metric past its warning or critical line alerts with that severity. */
export function thresholdObservations(
  config: MonitoringConfig,
  host: string,
  readings: readonly ThresholdReading[],
  now: Date,
): Observation[] {
  const window = activeWindow(config.maintenance, { host }, now);
  return readings.map((r) => {
    const value = r.unit === "%" ? `${r.value}%` : `${r.value} per core`;
    return {
      subject: `host:${host}:${r.key}`,
      name: `${host} ${r.name}`,
      ok: r.level === "ok",
      severity: r.level === "critical" ? "critical" : "warning",
      title: `${host} ${r.name} at ${value}`,
      message: `${r.name} at ${value} (warning ≥ ${r.levels.warning}, critical ≥ ${r.levels.critical})`,
      rules: config.alerts,
      ...(window ? { maintenance: window.id } : {}),
    };
  });
}
