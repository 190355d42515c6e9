import { afterEach, describe, expect, it } from "vitest";
import {
  hostSnapshotSchema,
  MetricsSampler,
  readProcDiskstats,
  type SystemSource,
  systemSource,
} from "../../../app/metrics";
import { captureLogger } from "../../support/capture-log";
import { closedPort, type LoopbackServer, startTcpServer } from "../../support/loopback";

/** A scripted source: counters grow by 1000 bytes per call; `currentLoad` can be held open. */
function scriptedSource(): SystemSource & { loadCalls: number; release: () => void } {
  let calls = 0;
  let release = () => {};
  let rx = 1_000;
  const source = {
    loadCalls: 0,
    release: () => release(),
    currentLoad: () => {
      source.loadCalls++;
      calls++;
      return new Promise<{ currentLoad: number; cpus: Array<{ load: number }> }>((resolve) => {
        release = () => resolve({ currentLoad: 50, cpus: [{ load: 40 }, { load: 60 }] });
        if (calls > 1) release();
      });
    },
    mem: async () => ({
      total: 1000,
      available: 250,
      free: 100,
      used: 900,
      buffers: 10,
      cached: 140,
      swaptotal: 0,
      swapused: 0,
      swapfree: 0,
    }),
    fsSize: async () => [
      { fs: "/dev/sda1", type: "ext4", size: 100, used: 60, available: 30, mount: "/" },
      { fs: "overlay", type: "overlay", size: 100, used: 1, available: 99, mount: "/var/lib/docker/overlay" },
      { fs: "/dev/sda1", type: "ext4", size: 100, used: 60, available: 30, mount: "/" },
    ],
    networkStats: async () => {
      rx += 1_000;
      return [{ iface: "eth0", rx_bytes: rx, tx_bytes: 5 }];
    },
    processes: async () => ({
      list: [
        { pid: 1, name: "idle", cpu: 0.1, mem: 1, command: "idle --password=hunter2" },
        { pid: 2, name: "busy", cpu: 80, mem: 5, command: "busy --token=abc" },
        { pid: 3, name: "mid", cpu: 10, mem: 2, command: "mid" },
      ],
    }),
    loadavg: () => [1.5, 1, 0.5],
    uptimeSeconds: () => 3600.4,
    cpuTimes: () => [{ user: 1000, nice: 0, sys: 500, idle: 9000, irq: 0 }],
  };
  return source;
}

describe("metrics sampler", () => {
  it("snapshots this machine with systeminformation", async () => {
    const sampler = new MetricsSampler({ host: "local", source: systemSource, topProcesses: 3 });

    await sampler.refresh();
    const snapshot = await sampler.refresh();

    expect(hostSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.cpu.cores).toBeGreaterThan(0);
    expect(snapshot.cpu.perCore).toHaveLength(snapshot.cpu.cores);
    expect(snapshot.memory.totalBytes).toBeGreaterThan(0);
    expect(snapshot.filesystems.length).toBeGreaterThan(0);
    expect(snapshot.network.map((n) => n.device)).toContain("lo");
    expect(snapshot.processes.length).toBeLessThanOrEqual(3);
    if ((await readProcDiskstats()) !== undefined) {
      expect(snapshot.diskIO?.length).toBeGreaterThan(0);
      expect(snapshot.diskIO?.map((d) => d.device)).not.toContainEqual(
        expect.stringMatching(/^(loop|z?ram)\d/),
      );
      expect(snapshot.diskIO?.every((d) => d.ioUtilizationPercent !== null)).toBe(true);
    } else {
      expect(snapshot.diskIO).toBeUndefined();
    }
  });

  it("never runs two refreshes at once: concurrent callers share the running one", async () => {
    const source = scriptedSource();
    const sampler = new MetricsSampler({ host: "web01", source });

    const pending = [sampler.refresh(), sampler.refresh(), sampler.refresh()];
    source.release();
    const [a, b, c] = await Promise.all(pending);

    expect(source.loadCalls).toBe(1);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(sampler.latest()).toBe(a);
  });

  it("computes network rates from consecutive samples", async () => {
    const source = scriptedSource();
    let now = new Date("2026-11-20T10:00:00Z");
    const sampler = new MetricsSampler({ host: "web01", source, now: () => now });
    const first = sampler.refresh();
    source.release();
    await first;

    now = new Date("2026-11-20T10:00:05Z");
    const second = await sampler.refresh();

    expect((await first).network[0]?.rxBytesPerSecond).toBeNull();
    expect(second.network[0]).toMatchObject({ rxBytes: 3_000, rxBytesPerSecond: 200 });
  });

  it("lists the top processes by CPU without their command lines, and skips ignored or repeated mounts", async () => {
    const source = scriptedSource();
    const sampler = new MetricsSampler({
      host: "web01",
      source,
      topProcesses: 2,
      ignoreMounts: ["/var/lib/docker/overlay"],
    });
    const pending = sampler.refresh();
    source.release();

    const snapshot = await pending;

    expect(snapshot.processes).toEqual([
      { pid: 2, name: "busy", cpuPercent: 80, memPercent: 5 },
      { pid: 3, name: "mid", cpuPercent: 10, memPercent: 2 },
    ]);
    expect(JSON.stringify(snapshot)).not.toContain("hunter2");
    expect(snapshot.filesystems.map((f) => [f.mount, f.usedPercent])).toEqual([["/", 66.7]]);
    expect(snapshot.memory).toMatchObject({ usedBytes: 750, usedPercent: 75 });
    expect(snapshot.cpu.seconds).toEqual([{ user: 1, nice: 0, system: 0.5, idle: 9, irq: 0 }]);
  });
});

/** A fixed machine whose one disk, vda, reads 2048 sectors (1 MiB) and is busy 2.5 s more per call. */
function diskSource(): SystemSource {
  const base = { ...scriptedSource() };
  let calls = 0;
  return {
    ...base,
    currentLoad: async () => ({ currentLoad: 10, cpus: [{ load: 10 }] }),
    diskstats: async () => {
      calls++;
      const sectors = 2048 * calls;
      const ioMs = 2500 * calls;
      return [
        "   7       0 loop0 58 0 2186 21 0 0 0 0 0 40 21 0 0 0 0 0 0",
        ` 254       0 vda ${calls * 10} 0 ${sectors} 30 ${calls * 4} 0 ${sectors / 2} 40 0 ${ioMs} 70 0 0 0 0 0 0`,
        ` 254       1 vda1 ${calls * 10} 0 ${sectors} 30 ${calls * 4} 0 ${sectors / 2} 40 0 ${ioMs} 70 0 0 0 0 0 0`,
      ].join("\n");
    },
  };
}

describe("metrics sampler: disk I/O and latency", () => {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("adds each disk's counters and, from the second sample, its throughput and utilisation", async () => {
    let now = new Date("2026-11-20T10:00:00Z");
    const sampler = new MetricsSampler({ host: "web01", source: diskSource(), now: () => now });

    const first = await sampler.refresh();
    now = new Date("2026-11-20T10:00:05Z");
    const second = await sampler.refresh();

    expect(first.diskIO).toEqual([
      {
        device: "vda",
        readsCompleted: 10,
        writesCompleted: 4,
        readBytes: 1_048_576,
        writtenBytes: 524_288,
        readTimeSeconds: 0.03,
        writeTimeSeconds: 0.04,
        ioTimeSeconds: 2.5,
        readBytesPerSecond: null,
        writeBytesPerSecond: null,
        ioUtilizationPercent: null,
      },
    ]);
    expect(second.diskIO?.[0]).toMatchObject({
      readBytesPerSecond: 209_715.2,
      writeBytesPerSecond: 104_857.6,
      ioUtilizationPercent: 50,
    });
    expect(hostSnapshotSchema.parse(second)).toEqual(second);
  });

  it("applies the configured device exclude instead of the default", async () => {
    const sampler = new MetricsSampler({ host: "web01", source: diskSource(), diskDevicesExclude: "^vda$" });

    const snapshot = await sampler.refresh();

    expect(snapshot.diskIO?.map((d) => d.device)).toEqual(["loop0", "vda1"]);
  });

  it("leaves disk I/O and latency out (not zero) where there is no /proc/diskstats and no target", async () => {
    const source = scriptedSource();
    const sampler = new MetricsSampler({
      host: "web01",
      source: { ...source, diskstats: async () => undefined },
    });
    const pending = sampler.refresh();
    source.release();

    const snapshot = await pending;

    expect(snapshot).not.toHaveProperty("diskIO");
    expect(snapshot).not.toHaveProperty("latency");
  });

  it("still samples everything else when /proc/diskstats is not in the kernel's format, and logs it once", async () => {
    const log = captureLogger();
    const source = { ...diskSource(), diskstats: async () => " 254 0 vda 1 2 3\n" };
    const sampler = new MetricsSampler({ host: "web01", source, logger: log.logger });

    const first = await sampler.refresh();
    await sampler.refresh();

    expect(first.diskIO).toBeUndefined();
    expect(first.memory.totalBytes).toBe(1000);
    const warnings = log.lines().filter((l) => l.includes("disk I/O left out"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("/proc/diskstats line 1: expected at least 14 fields, found 6");
  });

  it("measures the TCP connect time to each latency target, a refused one as down", async () => {
    const peer = await startTcpServer();
    servers.push(peer);
    const port = await closedPort();
    const sampler = new MetricsSampler({
      host: "web01",
      source: diskSource(),
      latency: {
        timeoutMs: 2000,
        targets: [
          { name: "db01", host: "127.0.0.1", port: peer.port },
          { name: "cache01", host: "127.0.0.1", port },
        ],
      },
    });

    const snapshot = await sampler.refresh();

    expect(snapshot.latency?.map((l) => [l.target, l.up, l.error])).toEqual([
      ["db01", true, undefined],
      ["cache01", false, "ECONNREFUSED"],
    ]);
    expect(snapshot.latency?.[0]?.connectSeconds).toBeGreaterThan(0);
    expect(snapshot.latency?.[1]?.connectSeconds).toBeNull();
    expect(hostSnapshotSchema.parse(snapshot)).toEqual(snapshot);
  });
});
