import { readFile } from "node:fs/promises";
import * as os from "node:os";
import si from "systeminformation";

/** The system calls a sample needs; systeminformation + node:os by default, injectable for tests. */
export interface SystemSource {
  currentLoad(): Promise<{ currentLoad: number; cpus: Array<{ load: number }> }>;
  mem(): Promise<{
    total: number;
    available: number;
    free: number;
    used: number;
    buffers: number;
    cached: number;
    swaptotal: number;
    swapused: number;
    swapfree: number;
  }>;
  fsSize(): Promise<
    Array<{ fs: string; type: string; size: number; used: number; available: number; mount: string }>
  >;
  networkStats(): Promise<Array<{ iface: string; rx_bytes: number; tx_bytes: number }>>;
  processes(): Promise<{ list: Array<{ pid: number; name: string; cpu: number; mem: number }> }>;
  loadavg(): number[];
  uptimeSeconds(): number;
  cpuTimes(): Array<{ user: number; nice: number; sys: number; idle: number; irq: number }>;
  /** The text of /proc/diskstats; undefined (or no method) where there is none, so disk I/O is absent. */
  diskstats?(): Promise<string | undefined>;
}

/**
 * Reads /proc/diskstats directly: systeminformation's `disksIO()` and `fsStats()` only give totals
 * across every device, and node_exporter's per-device series need each device's own counters.
 */
export async function readProcDiskstats(file = "/proc/diskstats"): Promise<string | undefined> {
  if (process.platform !== "linux") return undefined;
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    // A container or sandbox without /proc: no disk I/O, rather than zeros that look like idle disks.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export const systemSource: SystemSource = {
  currentLoad: () => si.currentLoad(),
  mem: () => si.mem(),
  fsSize: () => si.fsSize(),
  // "*" asks for every interface, not only the default one.
  networkStats: () => si.networkStats("*"),
  processes: () => si.processes(),
  loadavg: () => os.loadavg(),
  uptimeSeconds: () => os.uptime(),
  cpuTimes: () => os.cpus().map((c) => c.times),
  diskstats: () => readProcDiskstats(),
};
