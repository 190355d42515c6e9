import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatAge, heartbeatKey, readHosts, writeHeartbeat } from "../../../app/hosts";
import { hostSnapshotSchema } from "../../../app/metrics";
import { LocalStore } from "../../../app/storage";
import { useTempDirs } from "../../support/temp-dir";

const snapshot = hostSnapshotSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, "../../fixtures/monitoring/host-snapshot.json"), "utf8")),
);
const tempDir = useTempDirs("opsdeck-hosts");
const t0 = new Date("2026-11-20T10:00:00Z");

describe("host heartbeats", () => {
  it("writes the latest snapshot under hosts/<name>.json", async () => {
    const store = new LocalStore(await tempDir());

    await writeHeartbeat(store, snapshot, { now: t0, intervalMs: 30_000 });

    const stored = JSON.parse((await store.get(heartbeatKey("web01")))?.toString() ?? "{}");
    expect(stored).toMatchObject({ version: 1, host: "web01", sentAt: t0.toISOString(), intervalMs: 30_000 });
    expect(stored.snapshot.memory.availableBytes).toBe(1_000_000_000);
  });

  it("reads heartbeats from agents with and without disk I/O and latency in their snapshot", async () => {
    const store = new LocalStore(await tempDir());
    // The fixture is the older shape: no diskIO, no latency.
    await writeHeartbeat(store, snapshot, { now: t0, intervalMs: 30_000 });
    const newer = {
      ...snapshot,
      host: "db01",
      diskIO: [
        {
          device: "vda",
          readsCompleted: 1,
          writesCompleted: 2,
          readBytes: 512,
          writtenBytes: 1024,
          readTimeSeconds: 0.001,
          writeTimeSeconds: 0.002,
          ioTimeSeconds: 0.003,
          readBytesPerSecond: null,
          writeBytesPerSecond: null,
          ioUtilizationPercent: null,
        },
      ],
      latency: [{ target: "web01", address: "10.0.1.4:443", up: true, connectSeconds: 0.0004 }],
    };
    await writeHeartbeat(store, newer, { now: t0, intervalMs: 30_000 });

    const hosts = await readHosts(store, { now: t0, staleAfterMs: 180_000 });

    expect(hosts.map((h) => [h.host, h.status])).toEqual([
      ["db01", "up"],
      ["web01", "up"],
    ]);
    expect(hosts[0]?.snapshot).toEqual(newer);
    expect(hosts[1]?.snapshot).not.toHaveProperty("diskIO");
  });

  it("counts a host whose heartbeat is older than the allowed age as down", async () => {
    const store = new LocalStore(await tempDir());
    await writeHeartbeat(store, snapshot, { now: t0, intervalMs: 30_000 });
    await writeHeartbeat(
      store,
      { ...snapshot, host: "db01" },
      { now: new Date(t0.getTime() - 600_000), intervalMs: 30_000 },
    );

    const hosts = await readHosts(store, { now: new Date(t0.getTime() + 60_000), staleAfterMs: 180_000 });

    expect(hosts.map((h) => [h.host, h.status, h.ageMs, h.problem])).toEqual([
      ["db01", "down", 660_000, "no heartbeat for 11m 0s"],
      ["web01", "up", 60_000, undefined],
    ]);
  });

  it("reports an unreadable heartbeat as a down host instead of failing the listing", async () => {
    const store = new LocalStore(await tempDir());
    await writeHeartbeat(store, snapshot, { now: t0, intervalMs: 30_000 });
    await store.put(heartbeatKey("broken"), "{ half a json");

    const hosts = await readHosts(store, { now: t0, staleAfterMs: 180_000 });

    expect(hosts.find((h) => h.host === "broken")).toEqual({
      host: "broken",
      status: "down",
      problem: "heartbeat is unreadable",
    });
    expect(hosts.find((h) => h.host === "web01")?.status).toBe("up");
  });

  it("skips the other per-host files that live beside heartbeats", async () => {
    const store = new LocalStore(await tempDir());
    await writeHeartbeat(store, snapshot, { now: t0, intervalMs: 30_000 });
    await writeHeartbeat(store, { ...snapshot, host: "app.example.com" }, { now: t0, intervalMs: 30_000 });
    await store.put("hosts/web01.alerts.json", "{}");
    await store.put("hosts/web01.backup.json", '{"ok":true}');
    await store.put("hosts/db02.backup.json", '{"ok":true}'); // a host whose first heartbeat is still to come

    const hosts = await readHosts(store, { now: t0, staleAfterMs: 180_000 });

    expect(hosts.map((h) => [h.host, h.status])).toEqual([
      ["app.example.com", "up"],
      ["web01", "up"],
    ]);
  });

  it.each([
    [5_000, "5s"],
    [200_000, "3m 20s"],
    [7_500_000, "2h 5m"],
    [90_000_000, "1d 1h"],
  ])("formats an age of %i ms as %s", (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
