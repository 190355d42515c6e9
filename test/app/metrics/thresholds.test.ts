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
