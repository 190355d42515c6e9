import { appendFile, mkdir, open, readdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackupRunOutcome, type LogReport, runAgentOnce, startAgent } from "../../../app/agent";
import { listBackups, readBackupStates } from "../../../app/backup";
import { parseAppConfig } from "../../../app/config";
import { LocalStore } from "../../../app/storage";
import { captureLogger } from "../../support/capture-log";
import { useTempDirs } from "../../support/temp-dir";
import { fixedSource, startReceiver } from "../monitor/support";
import { json, waitFor } from "./support";

const tempDir = useTempDirs("opsdeck-agent-run");
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

async function workspace() {
  const dir = await tempDir();
  const source = path.join(dir, "www");
  await mkdir(source);
  await writeFile(path.join(source, "index.html"), "<h1>hi</h1>\n");
  const log = path.join(dir, "app.log");
  await writeFile(log, "");
  return { dir, source, log, store: new LocalStore(path.join(dir, "store")) };
}

function agentConfig(extra: Record<string, unknown>) {
  return parseAppConfig(
    {
      hosts: { name: "web01" },
      schedule: { heartbeatEveryMs: 1000, metricsEveryMs: 2000, shutdownGraceMs: 10_000 },
      notifiers: [{ name: "hook", type: "webhook", url: `${receiver.url}/hook`, retries: 0 }],
      ...extra,
    },
    "test config",
  );
}

describe("agent", () => {
  it("sends heartbeats, summarises followed logs, backs up on schedule and stops cleanly", async () => {
    const { source, log, store } = await workspace();
    const config = agentConfig({
      logs: { follow: [log], reportEveryMs: 1000, pollIntervalMs: 50 },
      backups: { jobs: [{ label: "www", sources: [source] }] },
    });
    const backups: BackupRunOutcome[] = [];
    const reports: LogReport[] = [];

    const agent = startAgent(config, store, {
      source: fixedSource(),
      env: {},
      backupTickMs: 200,
      onBackup: (o) => backups.push(o),
      onLogReport: (r) => reports.push(r),
    });
    try {
      const heartbeat = await waitFor("a heartbeat", async () =>
        json<{ host: string }>(await store.get("hosts/web01.json")),
      );
      await waitFor("the scheduled backup", () => backups.length > 0);
      // Lines written once the follower is watching the file.
      await waitFor("a first log report", () => reports.length > 0);
      await appendFile(
        log,
        "2026-11-21T10:00:00Z ERROR DiskFull on /dev/sda1\n2026-11-21T10:00:01Z WARN slow\n",
      );
      const report = await waitFor("a report with the errors", async () => {
        const stored = json<LogReport>(await store.get("hosts/web01.logs.json"));
        return stored && stored.errors > 0 ? stored : undefined;
      });

      expect(heartbeat.host).toBe("web01");
      expect(report).toMatchObject({
        host: "web01",
        windowMinutes: 60,
        errors: 1,
        warnings: 1,
        topErrors: [{ message: "DiskFull", count: 1 }],
        files: [{ path: log, format: "generic", errors: 1 }],
      });
      expect(backups[0]).toMatchObject({ label: "www", ok: true });
      expect((await listBackups(store, { host: "web01" })).filter((b) => b.complete)).toHaveLength(1);
      const summary = json<{ jobs: Array<{ label: string }> }>(await store.get("hosts/web01.backup.json"));
      expect(summary?.jobs.map((j) => j.label)).toEqual(["www"]);
    } finally {
      expect(await agent.stop()).toEqual([]);
    }
    // The interval job ran once: the next one is a day away.
    expect(backups).toHaveLength(1);
  });

  it("raises an alert for a failed backup and keeps running", async () => {
    const { source, store } = await workspace();
    const config = agentConfig({
      backups: {
        jobs: [
          { label: "gone", sources: [path.join(source, "missing")] },
          { label: "www", sources: [source] },
        ],
      },
    });
    const backups: BackupRunOutcome[] = [];
    const before = receiver.events().length;

    const agent = startAgent(config, store, {
      source: fixedSource(),
      env: {},
      backupTickMs: 200,
      onBackup: (o) => backups.push(o),
    });
    try {
      await waitFor("both jobs", () => backups.length >= 2);
      const alert = await waitFor("the alert", () => receiver.events().slice(before)[0]);
      const heartbeatsBefore =
        agent.monitor.scheduler.status().find((t) => t.name === "heartbeat")?.runs ?? 0;
      await waitFor(
        "heartbeats after the failure",
        () =>
          (agent.monitor.scheduler.status().find((t) => t.name === "heartbeat")?.runs ?? 0) >
          heartbeatsBefore,
      );

      expect(backups.map((b) => [b.label, b.ok])).toEqual([
        ["gone", false],
        ["www", true],
      ]);
      expect(alert).toMatchObject({
        kind: "adhoc",
        subject: "backup:web01:gone",
        severity: "critical",
        source: "agent:web01",
      });
      const [gone] = await readBackupStates(store, "web01");
      expect(gone?.lastFailure?.phase).toBe("preparing");
    } finally {
      await agent.stop();
    }
    // A failed job waits an hour before it is tried again, rather than every tick.
    expect(backups.filter((b) => b.label === "gone")).toHaveLength(1);
  });

  it("aborts a backup in flight when stopped, leaving nothing that looks complete and raising no alert", async () => {
    const { dir, store } = await workspace();
    const big = path.join(dir, "big");
    await mkdir(big);
    // A sparse file: many GiB to read and compress, almost nothing on disk.
    const handle = await open(path.join(big, "disk.img"), "w");
    await handle.truncate(32 * 1024 ** 3);
    await handle.close();
    const config = agentConfig({ backups: { jobs: [{ label: "big", sources: [big] }] } });
    const capture = captureLogger("info");
    const backups: BackupRunOutcome[] = [];
    const before = receiver.events().length;

    const agent = startAgent(config, store, {
      source: fixedSource(),
      env: {},
      logger: capture.logger,
      onBackup: (o) => backups.push(o),
    });
    const hostDir = path.join(dir, "store", "backups", "web01");
    await waitFor("the backup to start", () => capture.text().includes("backup starting"));
    // The local store streams into a hidden temp file and renames it into place once complete.
    await waitFor("archive bytes in flight", async () =>
      (await readdir(hostDir).catch(() => [])).some((name) => name.includes(".tmp-")),
    );
    const late = await agent.stop();

    expect(late).toEqual([]);
    expect(backups).toMatchObject([
      { label: "big", ok: false, cancelled: true, failure: { phase: "archiving" } },
    ]);
    expect(await listBackups(store)).toEqual([]);
    expect(await readdir(hostDir).catch(() => [])).toEqual([]);
    expect(receiver.events().length).toBe(before);
  });

  it("runs once for a smoke test: a heartbeat and the backups that are due", async () => {
    const { source, store } = await workspace();
    const config = agentConfig({ backups: { jobs: [{ label: "www", sources: [source] }] } });

    const result = await runAgentOnce(config, store, { source: fixedSource(), env: {} });
    const again = await runAgentOnce(config, store, { source: fixedSource(), env: {} });

    expect(result.ok).toBe(true);
    expect(result.tasks.map((t) => [t.name, t.runs, t.failures])).toEqual([
      ["metrics", 1, 0],
      ["heartbeat", 1, 0],
      ["backups", 1, 0],
    ]);
    expect(result.backups).toMatchObject([{ label: "www", ok: true }]);
    expect(again.backups).toEqual([]);
    expect(await store.get("hosts/web01.json")).toBeDefined();
  });
});
