import type { ThresholdLevels, Thresholds } from "./config";
import type { HostSnapshot } from "./snapshot";

export type Level = "ok" | "warning" | "critical";

/**
 * A level with hysteresis: a value enters a level as soon as it reaches the line, but leaves it
 * only once it has fallen `hysteresis` below, so a value hovering at a line does not flap (pure).
 */
export function levelWithHysteresis(
  value: number,
  levels: ThresholdLevels,
  previous: Level,
  hysteresis: number,
): Level {
  if (value >= levels.critical) return "critical";
  if (previous === "critical" && value > levels.critical - hysteresis) return "critical";
  if (value >= levels.warning) return "warning";
  if (previous !== "ok" && value > levels.warning - hysteresis) return "warning";
  return "ok";
}

export interface ThresholdReading {
  /** `cpu`, `memory`, `swap`, `load`, `disk:/var`. */
  key: string;
  /** "CPU", "disk /var". */
  name: string;
  value: number;
  unit: "%" | "load per core";
  levels: ThresholdLevels;
  level: Level;
}

/** Every threshold reading of a snapshot, given each key's previous level (pure). */
export function evaluateThresholds(
  snapshot: HostSnapshot,
  thresholds: Thresholds,
  previous: Readonly<Record<string, Level>> = {},
): ThresholdReading[] {
  const out: ThresholdReading[] = [];
  const add = (
    key: string,
    name: string,
    value: number,
    levels: ThresholdLevels,
    unit: ThresholdReading["unit"],
  ) => {
    const hysteresis = unit === "%" ? thresholds.hysteresis : thresholds.loadHysteresis;
    out.push({
      key,
      name,
      value,
      unit,
      levels,
      level: levelWithHysteresis(value, levels, previous[key] ?? "ok", hysteresis),
    });
  };
  add("cpu", "CPU", snapshot.cpu.usedPercent, thresholds.cpu, "%");
  add("memory", "memory", snapshot.memory.usedPercent, thresholds.memory, "%");
  if (snapshot.swap.totalBytes > 0) add("swap", "swap", snapshot.swap.usedPercent, thresholds.swap, "%");
  if (snapshot.cpu.cores > 0) {
    const perCore = Math.round((snapshot.load.load1 / snapshot.cpu.cores) * 100) / 100;
    add("load", "load", perCore, thresholds.load, "load per core");
  }
  for (const fs of snapshot.filesystems) {
    add(
      `disk:${fs.mount}`,
      `disk ${fs.mount}`,
      fs.usedPercent,
      thresholds.mounts[fs.mount] ?? thresholds.disk,
      "%",
    );
  }
  return out;
}

/** Remembers each key's level between samples, so hysteresis works across calls. */
export class ThresholdTracker {
  private levels: Record<string, Level> = {};

  constructor(private readonly thresholds: Thresholds) {}

  evaluate(snapshot: HostSnapshot): ThresholdReading[] {
    const readings = evaluateThresholds(snapshot, this.thresholds, this.levels);
    this.levels = Object.fromEntries(readings.map((r) => [r.key, r.level]));
    return readings;
  }
}
