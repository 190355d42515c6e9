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

/** How alerts write a reading's unit after a value ("91.5%", "250 MB/s") and after a line. */
const UNITS: Record<ThresholdReading["unit"], { value: string; line: string }> = {
  "%": { value: "%", line: "%" },
  // "2.1 per core (warning ≥ 1.5, …)": the lines read as the same unit without repeating it.
  "load per core": { value: " per core", line: "" },
  "MB/s": { value: " MB/s", line: " MB/s" },
  ms: { value: " ms", line: " ms" },
};

/**
 * A metric past its warning or critical line alerts with that severity; a measurement that failed
 * (a latency target that refused or timed out) is critical, with the reason as its message.
 */
export function thresholdObservations(
  config: MonitoringConfig,
  host: string,
  readings: readonly ThresholdReading[],
  now: Date,
): Observation[] {
  const window = activeWindow(config.maintenance, { host }, now);
  return readings.map((r) => {
    const unit = UNITS[r.unit];
    const lines = `warning ≥ ${r.levels.warning}${unit.line}, critical ≥ ${r.levels.critical}${unit.line}`;
    const failed = r.value === null;
    const value = `${r.value}${unit.value}`;
    return {
      subject: `host:${host}:${r.key}`,
      name: `${host} ${r.name}`,
      ok: r.level === "ok",
      severity: r.level === "critical" ? "critical" : "warning",
      title: failed ? `${host} ${r.name}: no connection` : `${host} ${r.name} at ${value}`,
      message: failed
        ? `${r.name}: ${r.error ?? "measurement failed"} (${lines})`
        : `${r.name} at ${value} (${lines})`,
      rules: config.alerts,
      ...(window ? { maintenance: window.id } : {}),
    };
  });
}
