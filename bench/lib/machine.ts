import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";

export interface Machine {
  cores: number;
  model: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** 1, 5 and 15 minute load averages when asked. */
  loadAverage: [number, number, number];
}

function cpuModel(): string {
  const fromNode = cpus()[0]?.model?.trim();
  if (fromNode) return fromNode;
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function describeMachine(): Machine {
  const [one, five, fifteen] = loadavg() as [number, number, number];
  return {
    cores: availableParallelism(),
    model: cpuModel(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: `Linux ${release()}`,
    loadAverage: [one, five, fifteen],
  };
}

export function formatLoad(load: readonly number[]): string {
  return load.map((l) => l.toFixed(2)).join(" / ");
}

/** Cumulative CPU time of the whole machine from /proc/stat, in clock ticks. */
export interface CpuTimes {
  busy: number;
  /** Time the hypervisor ran something else while this machine wanted the CPU. */
  steal: number;
  total: number;
}

export function cpuTimes(): CpuTimes {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  // user nice system idle iowait irq softirq steal …
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, steal: fields[7] ?? 0, total };
}

/** Share of the CPU time between two readings that was stolen by the hypervisor (0–1). */
export function stealShare(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total > 0 ? (after.steal - before.steal) / total : 0;
}

/**
 * Share of the machine's CPU time that was busy over the next `ms` (0–1), from /proc/stat. Taken
 * while the benchmark itself waits, it is the work of everything else: how quiet the machine is.
 */
export async function busyShare(ms = 1_000): Promise<number> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : 0;
}

/** Integer hashing and random table updates: the kind of work the log scan does per byte and line. */
const CALIBRATION = `
const started = performance.now();
const table = new Int32Array(1 << 18);
let x = 1;
for (let i = 0; i < 1e8; i++) {
  x = Math.imul(x ^ i, 16777619);
  table[(x >>> 8) & 262143] += 1;
}
process.stdout.write(String(performance.now() - started + (table[0] & 0)));
`;

/**
 * How fast this machine runs a fixed single-threaded workload right now, in ms (median of 3 fresh
 * processes; lower is faster). A virtual machine's speed can change with what shares its physical
 * cores, which neither the load average nor steal time shows; comparing this figure tells runs apart.
 */
export function calibrate(): number {
  const times = [0, 1, 2].map((): number =>
    Number(execFileSync(process.execPath, ["-e", CALIBRATION], { encoding: "utf8" })),
  );
  return times.sort((a, b) => a - b)[1] as number;
}
