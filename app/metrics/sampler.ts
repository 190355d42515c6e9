import type { Logger } from "../lib/logger";
import { silentLogger } from "../lib/logger";
import { diskIOStats } from "./disk-io";
import { DEFAULT_DISK_DEVICE_EXCLUDE, type DiskCounters, parseDiskstats } from "./diskstats";
import { type LatencyTarget, measureLatency } from "./latency";
import type { HostSnapshot } from "./snapshot";
import { type SystemSource, systemSource } from "./source";

export interface SamplerOptions {
  host: string;
  /** Processes listed by CPU; 0 skips the process table. */
  topProcesses?: number;
  ignoreMounts?: readonly string[];
  /** Regex source of block devices to leave out of disk I/O (node_exporter's default). */
  diskDevicesExclude?: string;
  /** Peers whose TCP connect time each sample measures; none means no `latency` in the snapshot. */
  latency?: { targets: readonly LatencyTarget[]; timeoutMs: number };
  source?: SystemSource;
  now?: () => Date;
  logger?: Logger;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const percentOf = (part: number, whole: number) => (whole > 0 ? round1((part / whole) * 100) : 0);

/**
 * Keeps a cached host snapshot. Readers call `latest()` (free); a timer calls `refresh()`.
 * Refreshes never overlap: a call while one runs gets the running one's result, so a slow
 * systeminformation call (the first `currentLoad()` takes ~500 ms) cannot pile up.
 */
export class MetricsSampler {
  private current: HostSnapshot | undefined;
  private running: Promise<HostSnapshot> | undefined;
  private readonly source: SystemSource;
  private readonly now: () => Date;
  private readonly logger: Logger;
  private readonly diskExclude: RegExp;
  /** The last disk I/O problem logged, so a persistent one is logged once, not every sample. */
  private diskProblem: string | undefined;

  constructor(private readonly options: SamplerOptions) {
    this.source = options.source ?? systemSource;
    this.diskExclude = new RegExp(options.diskDevicesExclude ?? DEFAULT_DISK_DEVICE_EXCLUDE);
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger ?? silentLogger;
  }

  /** The newest snapshot, or undefined before the first refresh finished. */
  latest(): HostSnapshot | undefined {
    return this.current;
  }

  refresh(): Promise<HostSnapshot> {
    if (!this.running) {
      this.running = this.sample().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Waits for a refresh in progress (clean shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async sample(): Promise<HostSnapshot> {
    const started = performance.now();
    const top = this.options.topProcesses ?? 5;
    const latencyTargets = this.options.latency?.targets ?? [];
    const [load, mem, fs, net, procs, disks, latency] = await Promise.all([
      this.source.currentLoad(),
      this.source.mem(),
      this.source.fsSize(),
      this.source.networkStats(),
      top > 0 ? this.source.processes() : Promise.resolve({ list: [] }),
      this.diskCounters(),
      latencyTargets.length > 0
        ? measureLatency(latencyTargets, { timeoutMs: this.options.latency?.timeoutMs ?? 2000 })
        : undefined,
    ]);
    const takenAt = this.now();
    const previous = this.current;
    const elapsed = previous ? (takenAt.getTime() - Date.parse(previous.takenAt)) / 1000 : 0;
    const [load1 = 0, load5 = 0, load15 = 0] = this.source.loadavg();
    const ignored = new Set(this.options.ignoreMounts ?? []);
    const seenMounts = new Set<string>();
    const rate = (now: number, before: number | undefined) =>
      before === undefined || elapsed <= 0 || now < before ? null : round1((now - before) / elapsed);

    const snapshot: HostSnapshot = {
      host: this.options.host,
      takenAt: takenAt.toISOString(),
      uptimeSeconds: Math.round(this.source.uptimeSeconds()),
      cpu: {
        cores: load.cpus.length,
        usedPercent: round1(load.currentLoad),
        perCore: load.cpus.map((c) => round1(c.load)),
        seconds: this.source.cpuTimes().map((t) => ({
          user: t.user / 1000,
          nice: t.nice / 1000,
          system: t.sys / 1000,
          idle: t.idle / 1000,
          irq: t.irq / 1000,
        })),
      },
      load: { load1, load5, load15 },
      memory: {
        totalBytes: mem.total,
        availableBytes: mem.available,
        freeBytes: mem.free,
        usedBytes: mem.total - mem.available,
        buffersBytes: mem.buffers,
        cachedBytes: mem.cached,
        usedPercent: percentOf(mem.total - mem.available, mem.total),
      },
      swap: {
        totalBytes: mem.swaptotal,
        usedBytes: mem.swapused,
        freeBytes: mem.swapfree,
        usedPercent: percentOf(mem.swapused, mem.swaptotal),
      },
      filesystems: fs
        .filter((f) => !ignored.has(f.mount) && !seenMounts.has(f.mount) && seenMounts.add(f.mount))
        .map((f) => ({
          mount: f.mount,
          device: f.fs,
          type: f.type,
          sizeBytes: f.size,
          usedBytes: f.used,
          availableBytes: f.available,
          usedPercent: percentOf(f.used, f.used + f.available),
        })),
      network: net.map((n) => {
        const before = previous?.network.find((p) => p.device === n.iface);
        return {
          device: n.iface,
          rxBytes: n.rx_bytes,
          txBytes: n.tx_bytes,
          rxBytesPerSecond: rate(n.rx_bytes, before?.rxBytes),
          txBytesPerSecond: rate(n.tx_bytes, before?.txBytes),
        };
      }),
      processes: [...procs.list]
        .sort((a, b) => b.cpu - a.cpu)
        .slice(0, top)
        .map((p) => ({ pid: p.pid, name: p.name, cpuPercent: round1(p.cpu), memPercent: round1(p.mem) })),
      ...(disks ? { diskIO: diskIOStats(disks, previous?.diskIO, elapsed) } : {}),
      ...(latency ? { latency } : {}),
    };
    this.current = snapshot;
    this.logger.debug({ ms: Math.round(performance.now() - started) }, "metrics sampled");
    return snapshot;
  }

  /**
   * This sample's block device counters, or undefined where there are none. An unreadable or
   * unexpected /proc/diskstats leaves disk I/O out of the snapshot (logged once) instead of
   * failing the whole sample: CPU, memory and the heartbeat still matter.
   */
  private async diskCounters(): Promise<DiskCounters[] | undefined> {
    try {
      const text = await this.source.diskstats?.();
      const counters = text === undefined ? undefined : parseDiskstats(text, { exclude: this.diskExclude });
      this.diskProblem = undefined;
      return counters;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.diskProblem)
        this.logger.warn({ error: message }, "disk I/O left out of the snapshot");
      this.diskProblem = message;
      return undefined;
    }
  }
}
