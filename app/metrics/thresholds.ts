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
  /** `cpu`, `memory`, `swap`, `load`, `disk:/var`, `diskio:nvme0n1:util`, `diskio:nvme0n1:throughput`, `latency:db01`. */
  key: string;
  /** "CPU", "disk /var", "disk I/O nvme0n1", "latency to db01". */
  name: string;
  /** null when there was nothing to measure: the connect failed (see `error`). */
  value: number | null;
  unit: "%" | "load per core" | "MB/s" | "ms";
  levels: ThresholdLevels;
  level: Level;
  /** Why the measurement failed (`10.0.1.5:5432: ECONNREFUSED`); such a reading is critical. */
  error?: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

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
    const hysteresis = {
      "%": thresholds.hysteresis,
      "load per core": thresholds.loadHysteresis,
      "MB/s": thresholds.diskIO.throughputHysteresisMBps,
      ms: thresholds.latency.hysteresisMs,
    }[unit];
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
  for (const d of snapshot.diskIO ?? []) {
    const override = thresholds.diskIO.devices[d.device];
    if (d.ioUtilizationPercent !== null) {
      const levels = override?.utilization ?? thresholds.diskIO.utilization;
      add(`diskio:${d.device}:util`, `disk I/O ${d.device}`, d.ioUtilizationPercent, levels, "%");
    }
    const throughput = override?.throughputMBps ?? thresholds.diskIO.throughputMBps;
    if (throughput && d.readBytesPerSecond !== null && d.writeBytesPerSecond !== null) {
      const mbps = round1((d.readBytesPerSecond + d.writeBytesPerSecond) / 1e6);
      add(`diskio:${d.device}:throughput`, `disk throughput ${d.device}`, mbps, throughput, "MB/s");
    }
  }
  for (const l of snapshot.latency ?? []) {
    const key = `latency:${l.target}`;
    const name = `latency to ${l.target}`;
    const levels = thresholds.latency.targets[l.target] ?? thresholds.latency.connectMs;
    if (l.up && l.connectSeconds !== null) add(key, name, round1(l.connectSeconds * 1000), levels, "ms");
    // An unreachable peer is worse than any slow one: critical, whatever the levels say.
    else
      out.push({
        key,
        name,
        value: null,
        unit: "ms",
        levels,
        level: "critical",
        error: `${l.address}: ${l.error ?? "connect failed"}`,
      });
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
