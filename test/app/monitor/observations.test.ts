import { describe, expect, it } from "vitest";
import { parseAppConfig } from "../../../app/config";
import type { ThresholdReading } from "../../../app/metrics";
import { thresholdObservations } from "../../../app/monitor/observations";

const config = parseAppConfig({}, "config");
const at = new Date("2026-11-20T10:00:00Z");
const reading = (r: Partial<ThresholdReading>): ThresholdReading => ({
  key: "cpu",
  name: "CPU",
  value: 90,
  unit: "%",
  levels: { warning: 85, critical: 95 },
  level: "warning",
  ...r,
});

describe("threshold observations", () => {
  it.each<[string, Partial<ThresholdReading>, string, string]>([
    ["a percentage", {}, "web01 CPU at 90%", "CPU at 90% (warning ≥ 85%, critical ≥ 95%)"],
    [
      "load per core",
      { key: "load", name: "load", value: 2.1, unit: "load per core", levels: { warning: 1.5, critical: 3 } },
      "web01 load at 2.1 per core",
      "load at 2.1 per core (warning ≥ 1.5, critical ≥ 3)",
    ],
    [
      "disk throughput",
      {
        key: "diskio:vda:throughput",
        name: "disk throughput vda",
        value: 250,
        unit: "MB/s",
        levels: { warning: 200, critical: 400 },
      },
      "web01 disk throughput vda at 250 MB/s",
      "disk throughput vda at 250 MB/s (warning ≥ 200 MB/s, critical ≥ 400 MB/s)",
    ],
    [
      "connect latency",
      {
        key: "latency:db01",
        name: "latency to db01",
        value: 120,
        unit: "ms",
        levels: { warning: 100, critical: 500 },
      },
      "web01 latency to db01 at 120 ms",
      "latency to db01 at 120 ms (warning ≥ 100 ms, critical ≥ 500 ms)",
    ],
  ])("words %s in its unit", (_case, r, title, message) => {
    const [observation] = thresholdObservations(config, "web01", [reading(r)], at);

    expect(observation).toMatchObject({ title, message, ok: false, severity: "warning" });
  });

  it("turns a failed measurement into a critical observation that says why", () => {
    const failed = reading({
      key: "latency:db01",
      name: "latency to db01",
      value: null,
      unit: "ms",
      levels: { warning: 100, critical: 500 },
      level: "critical",
      error: "10.0.1.5:5432: timed out after 2000 ms",
    });

    const [observation] = thresholdObservations(config, "web01", [failed], at);

    expect(observation).toMatchObject({
      subject: "host:web01:latency:db01",
      ok: false,
      severity: "critical",
      title: "web01 latency to db01: no connection",
      message:
        "latency to db01: 10.0.1.5:5432: timed out after 2000 ms (warning ≥ 100 ms, critical ≥ 500 ms)",
    });
  });
});
