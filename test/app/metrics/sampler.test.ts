import { describe, expect, it } from "vitest";
import { hostSnapshotSchema, MetricsSampler, type SystemSource, systemSource } from "../../../app/metrics";

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
