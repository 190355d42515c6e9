import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  evaluateThresholds,
  hostSnapshotSchema,
  type Level,
  levelWithHysteresis,
  ThresholdTracker,
  thresholdsSchema,
} from "../../../app/metrics";

const snapshot = hostSnapshotSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, "../../fixtures/monitoring/host-snapshot.json"), "utf8")),
);
const levels = { warning: 80, critical: 90 };

describe("threshold levels with hysteresis", () => {
  it.each<[string, number[], Level[]]>([
    ["rises as soon as a line is reached", [79, 80, 90], ["ok", "warning", "critical"]],
    [
      "does not flap while hovering around the warning line",
      [80, 79, 81, 78, 76, 75],
      ["warning", "warning", "warning", "warning", "warning", "ok"],
    ],
    [
      "steps down from critical to warning once below critical − hysteresis",
      [95, 86, 85, 70],
      ["critical", "critical", "warning", "ok"],
    ],
  ])("%s", (_name, values, expected) => {
    let level: Level = "ok";
    const seen = values.map((v) => {
      level = levelWithHysteresis(v, levels, level, 5);
      return level;
    });

    expect(seen).toEqual(expected);
  });

  it("reads CPU, memory, swap, load per core and each mount, with per-mount overrides", () => {
    const thresholds = thresholdsSchema.parse({ mounts: { "/var": { warning: 5, critical: 50 } } });

    const readings = evaluateThresholds(snapshot, thresholds);

    expect(readings.map((r) => [r.key, r.value, r.level])).toEqual([
      ["cpu", 42.5, "ok"],
      ["memory", 75, "ok"],
      ["swap", 0, "ok"],
      ["load", 0.25, "ok"],
      ["disk:/", 85, "warning"],
      ["disk:/var", 10, "warning"],
    ]);
  });

  it("carries levels between samples so a tracker applies hysteresis over time", () => {
    const tracker = new ThresholdTracker(thresholdsSchema.parse({ disk: { warning: 85, critical: 95 } }));
    const at = (used: number) => ({
      ...snapshot,
      filesystems: [
        { ...snapshot.filesystems[0], usedPercent: used } as (typeof snapshot.filesystems)[number],
      ],
    });

    const levelsSeen = [86, 84, 81, 79].map(
      (u) => tracker.evaluate(at(u)).find((r) => r.key === "disk:/")?.level,
    );

    expect(levelsSeen).toEqual(["warning", "warning", "warning", "ok"]);
  });
});

describe("disk I/O and latency thresholds", () => {
  const device = (name: string, util: number | null, readMBps: number | null, writeMBps: number | null) => ({
    device: name,
    readsCompleted: 0,
    writesCompleted: 0,
    readBytes: 0,
    writtenBytes: 0,
    readTimeSeconds: 0,
    writeTimeSeconds: 0,
    ioTimeSeconds: 0,
    readBytesPerSecond: readMBps === null ? null : readMBps * 1e6,
    writeBytesPerSecond: writeMBps === null ? null : writeMBps * 1e6,
    ioUtilizationPercent: util,
  });
  const peer = (target: string, ms: number | null, error?: string) => ({
    target,
    address: `10.0.1.5:5432`,
    up: ms !== null,
    connectSeconds: ms === null ? null : ms / 1000,
    ...(error ? { error } : {}),
  });
  const extraReadings = (extra: Partial<typeof snapshot>, config: unknown = {}, previous = {}) =>
    evaluateThresholds({ ...snapshot, ...extra }, thresholdsSchema.parse(config), previous).filter(
      (r) => r.key.startsWith("diskio:") || r.key.startsWith("latency:"),
    );

  it("reads each device's I/O utilisation against its override or the default 85/95 %", () => {
    const readings = extraReadings(
      { diskIO: [device("vda", 90, 1, 1), device("nvme0n1", 90, 1, 1), device("sr0", null, null, null)] },
      { diskIO: { devices: { nvme0n1: { utilization: { warning: 95, critical: 99 } } } } },
    );

    expect(readings.map((r) => [r.key, r.name, r.value, r.unit, r.level])).toEqual([
      ["diskio:vda:util", "disk I/O vda", 90, "%", "warning"],
      ["diskio:nvme0n1:util", "disk I/O nvme0n1", 90, "%", "ok"],
    ]);
  });

  it("reads throughput (read + write MB/s) only where levels are configured", () => {
    const diskIO = [device("vda", 10, 150, 100), device("vdb", 10, 1, 2)];

    const off = extraReadings({ diskIO });
    const on = extraReadings(
      { diskIO },
      {
        diskIO: {
          throughputMBps: { warning: 200, critical: 400 },
          devices: { vdb: { throughputMBps: { warning: 1, critical: 2 } } },
        },
      },
    );

    expect(off.map((r) => r.key)).toEqual(["diskio:vda:util", "diskio:vdb:util"]);
    expect(on.filter((r) => r.unit === "MB/s").map((r) => [r.key, r.value, r.level])).toEqual([
      ["diskio:vda:throughput", 250, "warning"],
      ["diskio:vdb:throughput", 3, "critical"],
    ]);
  });

  it.each<[string, number | null, Level]>([
    ["a fast connect is ok", 2.4, "ok"],
    ["a slow one is a warning", 150, "warning"],
    ["a very slow one is critical", 600, "critical"],
    ["a failed one is critical whatever the levels", null, "critical"],
  ])("latency: %s", (_case, ms, level) => {
    const [reading] = extraReadings({ latency: [peer("db01", ms, "ECONNREFUSED")] });

    expect(reading).toMatchObject({
      key: "latency:db01",
      name: "latency to db01",
      unit: "ms",
      value: ms,
      level,
    });
  });

  it("says why a latency measurement failed and uses per-target levels", () => {
    const readings = extraReadings(
      { latency: [peer("db01", null, "timed out after 2000 ms"), peer("web02", 8)] },
      { latency: { targets: { web02: { warning: 5, critical: 50 } } } },
    );

    expect(readings[0]?.error).toBe("10.0.1.5:5432: timed out after 2000 ms");
    expect(readings[1]).toMatchObject({ value: 8, levels: { warning: 5, critical: 50 }, level: "warning" });
  });

  it("clears a latency warning only once it is hysteresisMs below the line", () => {
    const tracker = new ThresholdTracker(thresholdsSchema.parse({ latency: { hysteresisMs: 20 } }));
    const at = (ms: number | null) => ({ ...snapshot, latency: [peer("db01", ms, "ECONNREFUSED")] });

    const seen = [120, 90, null, 470, 85, 79].map(
      (ms) => tracker.evaluate(at(ms)).find((r) => r.key === "latency:db01")?.level,
    );

    expect(seen).toEqual(["warning", "warning", "critical", "warning", "warning", "ok"]);
  });
});
