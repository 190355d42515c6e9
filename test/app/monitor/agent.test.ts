import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostAlertStateKey, readAlertState } from "../../../app/alerts";
import { parseAppConfig } from "../../../app/config";
import { readHosts } from "../../../app/hosts";
import { createAgent, startMonitor, takeMetricsSnapshot } from "../../../app/monitor";
import { LocalStore } from "../../../app/storage";
import { closedPort } from "../../support/loopback";
import { useTempDirs } from "../../support/temp-dir";
import { fixedSource, startReceiver, startService } from "./support";

const tempDir = useTempDirs("opsdeck-agent");
let service: Awaited<ReturnType<typeof startService>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  [service, receiver] = await Promise.all([startService(), startReceiver()]);
});
afterAll(async () => {
  await Promise.all([service.close(), receiver.close()]);
});
const t0 = new Date("2026-11-20T10:00:00Z");

function config(extra: Record<string, unknown> = {}) {
  return parseAppConfig(
    {
      hosts: { name: "web01" },
      alerts: { openAfter: 1 },
      thresholds: { disk: { warning: 80, critical: 90 } },
      notifiers: [{ name: "hook", type: "webhook", url: `${receiver.url}/hook`, retries: 0 }],
      ...extra,
    },
    "config",
  );
}

async function runTask(agent: ReturnType<typeof createAgent>, name: string) {
  await agent.tasks.find((task) => task.name === name)?.run(new AbortController().signal);
}

describe("agent", () => {
  it("reports under OPSDECK_HOST_NAME when the stack sets it", async () => {
    const store = new LocalStore(await tempDir());
    const agent = createAgent(config(), store, { source: fixedSource(), env: { OPSDECK_HOST_NAME: "db01" } });

    expect(agent.host).toBe("db01");
    expect(() => createAgent(config(), store, { env: { OPSDECK_HOST_NAME: "bad/name" } })).toThrow(
      /OPSDECK_HOST_NAME/,
    );
  });

  it("sends a heartbeat with the latest snapshot", async () => {
    const store = new LocalStore(await tempDir());
    const agent = createAgent(config(), store, { source: fixedSource(), now: () => t0 });

    await runTask(agent, "metrics");
    await runTask(agent, "heartbeat");

    const [host] = await readHosts(store, { now: t0, staleAfterMs: 60_000 });
    expect(host).toMatchObject({ host: "web01", status: "up", snapshot: { memory: { usedPercent: 50 } } });
  });

  it("alerts when a disk crosses its critical line, through the configured notifiers", async () => {
    const store = new LocalStore(await tempDir());
    const agent = createAgent(config(), store, { source: fixedSource(95), now: () => t0 });
    const before = receiver.events().length;

    await runTask(agent, "metrics");
    await runTask(agent, "heartbeat");

    expect(agent.readings().find((r) => r.key === "disk:/")?.level).toBe("critical");
    // An instance may write only hosts/<host>.*: its alert state lives there too.
    expect(Object.keys((await readAlertState(store, hostAlertStateKey("web01"), t0)).open)).toEqual([
      "host:web01:disk:/",
    ]);
    expect(receiver.events().slice(before)).toMatchObject([
      {
        kind: "opened",
        subject: "host:web01:disk:/",
        severity: "critical",
        title: "web01 disk / at 95%",
        source: "agent:web01",
      },
    ]);
  });

  it("alerts on a busy disk and an unreachable fleet peer like on any other threshold", async () => {
    const store = new LocalStore(await tempDir());
    const port = await closedPort();
    let now = t0;
    let busyMs = 0;
    const source = {
      ...fixedSource(10),
      // vda busy 4.9 s of every 5 s: 98 % utilisation.
      diskstats: async () => {
        busyMs += 4900;
        return ` 254 0 vda 10 0 2048 30 4 0 1024 40 0 ${busyMs} 70 0 0 0 0 0 0\n`;
      },
    };
    const cfg = config({ metrics: { latency: { targets: [{ name: "db01", host: "127.0.0.1", port }] } } });
    const agent = createAgent(cfg, store, { source, now: () => now });
    const before = receiver.events().length;

    await runTask(agent, "metrics");
    now = new Date(t0.getTime() + 5_000);
    await runTask(agent, "metrics");
    await runTask(agent, "heartbeat");

    expect(receiver.events().slice(before)).toMatchObject([
      {
        kind: "opened",
        subject: "host:web01:diskio:vda:util",
        severity: "critical",
        title: "web01 disk I/O vda at 98%",
        message: "disk I/O vda at 98% (warning ≥ 85%, critical ≥ 95%)",
      },
      {
        kind: "opened",
        subject: "host:web01:latency:db01",
        severity: "critical",
        title: "web01 latency to db01: no connection",
        message: `latency to db01: 127.0.0.1:${port}: ECONNREFUSED (warning ≥ 100 ms, critical ≥ 500 ms)`,
      },
    ]);
    const [host] = await readHosts(store, { now, staleAfterMs: 60_000 });
    expect(host?.snapshot?.latency).toEqual([
      {
        target: "db01",
        address: `127.0.0.1:${port}`,
        up: false,
        connectSeconds: null,
        error: "ECONNREFUSED",
      },
    ]);
  });

  it("writes no alert state while the host is healthy", async () => {
    const store = new LocalStore(await tempDir());
    const agent = createAgent(config(), store, { source: fixedSource(10), now: () => t0 });

    await runTask(agent, "metrics");
    await runTask(agent, "heartbeat");

    expect(await store.get(hostAlertStateKey("web01"))).toBeUndefined();
  });

  it("takes a one-off snapshot for the CLI", async () => {
    const snapshot = await takeMetricsSnapshot(config(), { source: fixedSource(), settleMs: 1 });

    expect(snapshot).toMatchObject({ host: "web01", filesystems: [{ mount: "/", usedPercent: 50 }] });
  });
});

describe("long-running monitor", () => {
  it("runs rounds, sampling and heartbeats on its scheduler, exposes metrics, and stops cleanly", async () => {
    const store = new LocalStore(await tempDir());
    const cfg = config({ checks: [{ id: "web", type: "http", url: `${service.url}/ok` }] });

    const monitor = startMonitor(cfg, store, { source: fixedSource() });
    await monitor.scheduler.runNow("checks");
    await monitor.scheduler.runNow("metrics");
    await monitor.scheduler.runNow("heartbeat");
    const metrics = await monitor.registry.metrics();
    const late = await monitor.stop(5_000);

    expect(monitor.scheduler.status().map((s) => s.name)).toEqual([
      "checks",
      "compaction",
      "metrics",
      "heartbeat",
      "backup-metrics",
    ]);
    expect(metrics).toContain('opsdeck_check_success{check="web",type="http"} 1');
    expect(metrics).toContain('node_memory_MemAvailable_bytes{host="web01"} 500');
    expect(late).toEqual([]);
    expect((await readHosts(store, { now: new Date(), staleAfterMs: 60_000 }))[0]?.host).toBe("web01");
  });
});
