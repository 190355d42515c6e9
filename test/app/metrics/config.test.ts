import { describe, expect, it } from "vitest";
import { parseAppConfig } from "../../../app/config";
import { ValidationError } from "../../../app/lib/validation";
import { DEFAULT_DISK_DEVICE_EXCLUDE } from "../../../app/metrics";

function issuesOf(input: unknown): string[] {
  try {
    parseAppConfig(input, "app config");
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("disk I/O and latency config", () => {
  it("defaults to node_exporter's device exclude, no latency targets and disk I/O utilisation alerts at 85/95 %", () => {
    const config = parseAppConfig({}, "app config");

    expect(config.metrics).toMatchObject({
      diskDevicesExclude: DEFAULT_DISK_DEVICE_EXCLUDE,
      latency: { timeoutMs: 2000, targets: [] },
    });
    expect(config.thresholds.diskIO).toEqual({
      utilization: { warning: 85, critical: 95 },
      throughputHysteresisMBps: 5,
      devices: {},
    });
    expect(config.thresholds.latency).toEqual({
      connectMs: { warning: 100, critical: 500 },
      hysteresisMs: 20,
      targets: {},
    });
  });

  it("accepts latency targets with per-target thresholds and opt-in throughput levels", () => {
    const config = parseAppConfig(
      {
        metrics: { latency: { targets: [{ name: "db01", host: "10.0.1.5", port: 5432 }] } },
        thresholds: {
          diskIO: {
            throughputMBps: { warning: 200, critical: 400 },
            devices: { nvme0n1: { utilization: { warning: 95, critical: 99 } } },
          },
          latency: { targets: { db01: { warning: 5, critical: 20 } } },
        },
      },
      "app config",
    );

    expect(config.metrics.latency.targets).toEqual([{ name: "db01", host: "10.0.1.5", port: 5432 }]);
    expect(config.thresholds.diskIO.throughputMBps).toEqual({ warning: 200, critical: 400 });
    expect(config.thresholds.latency.targets.db01).toEqual({ warning: 5, critical: 20 });
  });

  it("names the field of every bad latency target and threshold", () => {
    const issues = issuesOf({
      metrics: {
        diskDevicesExclude: "(",
        latency: {
          timeoutMs: 60_000,
          targets: [
            { name: "db01", host: "10.0.1.5", port: 70_000 },
            { name: "db02", host: "", port: 22 },
            { name: "Web_1", host: "web", port: 80, extra: true },
          ],
        },
      },
      thresholds: {
        diskIO: { utilization: { warning: 120 }, throughputMBps: { warning: 300, critical: 100 } },
        latency: { connectMs: { warning: -1 } },
      },
    });

    expect(issues).toEqual([
      "thresholds.diskIO.utilization.warning: expected a percentage between 0 and 100",
      "thresholds.diskIO.utilization.critical: critical must be ≥ warning",
      "thresholds.diskIO.throughputMBps.critical: critical must be ≥ warning",
      "thresholds.latency.connectMs.warning: expected a number ≥ 0",
      "metrics.diskDevicesExclude: expected a valid regular expression (Invalid regular expression: /(/: Unterminated group)",
      "metrics.latency.timeoutMs: expected at most 10000 ms",
      "metrics.latency.targets[0].port: expected a port number between 1 and 65535",
      "metrics.latency.targets[1].host: expected a host name or address",
      "metrics.latency.targets[2].name: expected lower-case letters, digits and dashes (at most 63, not starting with a dash)",
      'metrics.latency.targets[2]: unrecognized key: "extra"',
    ]);
  });

  it("reports a duplicate target name and a threshold for a target that is not configured", () => {
    expect(
      issuesOf({
        metrics: {
          latency: {
            targets: [
              { name: "db01", host: "a", port: 1 },
              { name: "db01", host: "b", port: 2 },
            ],
          },
        },
      }),
    ).toEqual(["metrics.latency.targets[1].name: duplicate name (also targets[0])"]);
    expect(
      issuesOf({ thresholds: { latency: { targets: { db02: { warning: 5, critical: 20 } } } } }),
    ).toEqual(['thresholds.latency.targets.db02: no metrics.latency target named "db02"']);
  });
});
