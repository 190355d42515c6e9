import { afterEach, describe, expect, it } from "vitest";
import { startAgent } from "../../../app/agent";
import { backupSummaryKey, recordFailure, recordSuccess, recordVerify } from "../../../app/backup/state";
import { parseAppConfig } from "../../../app/config";
import { type MonitorProcess, startMonitor } from "../../../app/monitor";
import { LocalStore } from "../../../app/storage";
import { backupFailure, backupSuccess } from "../../support/backup-states";
import { captureLogger } from "../../support/capture-log";
import { useTempDirs } from "../../support/temp-dir";
import { fixedSource } from "./support";

const tempDir = useTempDirs("opsdeck-monitor-backups");
const NOW = new Date("2026-11-21T10:00:00.000Z");
const HOUR = 3_600_000;
const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * HOUR).toISOString();
const seconds = (iso: string) => Date.parse(iso) / 1000;

function success(host: string, label: string, hoursAgo: number, size: number, staleAfterMs?: number) {
  return backupSuccess({
    host,
    label,
    id: `x-${label}-${hoursAgo}`,
    completedAt: at(hoursAgo),
    size,
    ...(staleAfterMs ? { staleAfterMs } : {}),
  });
}

/** web01 has two jobs (etc with a 12 h threshold, verified; www without one, failed since); db01 one. */
async function seed(store: LocalStore) {
  await recordSuccess(store, success("web01", "etc", 2, 5_242_880, 12 * HOUR), NOW);
  await recordVerify(
    store,
    { host: "web01", label: "etc", id: "x-etc-2", key: "k", checkedAt: at(1), ok: false, problems: ["bad"] },
    NOW,
  );
  await recordSuccess(store, success("web01", "www", 30, 1024), NOW);
  await recordFailure(store, backupFailure({ host: "web01", label: "www", failedAt: at(3) }), NOW);
  await recordSuccess(store, success("db01", "pg", 1, 99), NOW);
}

const config = (extra: Record<string, unknown> = {}) =>
  parseAppConfig({ hosts: { name: "web01" }, ...extra }, "test config");

const backupLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("opsdeck_backup_"))
    .sort();

let running: { stop(graceMs?: number): Promise<string[]> }[] = [];
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop(5_000)));
  running = [];
});
function started<P extends { stop(graceMs?: number): Promise<string[]> }>(process: P): P {
  running.push(process);
  return process;
}

describe("the monitor's own /metrics registry: backup freshness", () => {
  it("exposes its own host's backup jobs, from the host's backup summary", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store);

    const monitor = started(
      startMonitor(config(), store, { source: fixedSource(), checks: false, now: () => NOW }),
    );
    await monitor.scheduler.runNow("backup-metrics");
    const lines = backupLines(await monitor.registry.metrics());

    expect(lines).toEqual(
      [
        `opsdeck_backup_last_success_timestamp_seconds{host="web01",label="etc"} ${seconds(at(2))}`,
        `opsdeck_backup_last_success_timestamp_seconds{host="web01",label="www"} ${seconds(at(30))}`,
        'opsdeck_backup_last_success_size_bytes{host="web01",label="etc"} 5242880',
        'opsdeck_backup_last_success_size_bytes{host="web01",label="www"} 1024',
        `opsdeck_backup_last_failure_timestamp_seconds{host="web01",label="www"} ${seconds(at(3))}`,
        'opsdeck_backup_last_verify_ok{host="web01",label="etc"} 0',
        `opsdeck_backup_last_verify_timestamp_seconds{host="web01",label="etc"} ${seconds(at(1))}`,
        // etc recorded its job's threshold; www did not, so it has the default (48 h).
        'opsdeck_backup_stale_after_seconds{host="web01",label="etc"} 43200',
        'opsdeck_backup_stale_after_seconds{host="web01",label="www"} 172800',
      ].sort(),
    );
    expect(monitor.scheduler.status().find((t) => t.name === "backup-metrics")?.everyMs).toBe(
      config().schedule.heartbeatEveryMs,
    );
  });

  it("reads the summary on the scheduler's timer, never per scrape", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store);
    const monitor = started(
      startMonitor(config(), store, { source: fixedSource(), checks: false, now: () => NOW }),
    );
    await monitor.scheduler.runNow("backup-metrics");
    const before = await monitor.registry.metrics();

    await recordSuccess(store, success("web01", "etc", 0, 7_000, 12 * HOUR), NOW);
    const scraped = await monitor.registry.metrics();
    await monitor.scheduler.runNow("backup-metrics");
    const refreshed = await monitor.registry.metrics();

    expect(backupLines(scraped)).toEqual(backupLines(before));
    expect(refreshed).toContain('opsdeck_backup_last_success_size_bytes{host="web01",label="etc"} 7000');
    expect(refreshed).toContain(
      `opsdeck_backup_last_success_timestamp_seconds{host="web01",label="etc"} ${seconds(NOW.toISOString())}`,
    );
  });

  it("has no backup series, and logs it once, when the summary is damaged", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store);
    await store.put(backupSummaryKey("web01"), "{not json");
    const log = captureLogger("warn");
    const monitor = started(
      startMonitor(config(), store, {
        source: fixedSource(),
        checks: false,
        now: () => NOW,
        logger: log.logger,
      }),
    );
    await monitor.scheduler.runNow("backup-metrics");
    await monitor.scheduler.runNow("backup-metrics");

    expect(backupLines(await monitor.registry.metrics())).toEqual([]);
    const warnings = log.lines().filter((l) => l.includes("backup summary has unreadable parts"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("hosts/web01.backup.json is not valid JSON");
  });

  it("has no backup source without an agent or with backupHost false", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store);
    const processes: MonitorProcess[] = [
      started(startMonitor(config(), store, { checks: false, agent: false })),
      started(startMonitor(config(), store, { source: fixedSource(), checks: false, backupHost: false })),
    ];

    for (const monitor of processes) {
      expect(monitor.scheduler.status().map((t) => t.name)).not.toContain("backup-metrics");
      expect(backupLines(await monitor.registry.metrics())).toEqual([]);
    }
  });

  it("in the agent, shows the jobs of backups.host when it differs from the host name", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store);
    await recordSuccess(store, success("files01", "share", 5, 2048, 6 * HOUR), NOW);

    const agent = started(
      startAgent(config({ backups: { host: "files01" } }), store, {
        source: fixedSource(),
        env: {},
        now: () => NOW,
      }),
    );
    await agent.monitor.scheduler.runNow("backup-metrics");
    const lines = backupLines(await agent.monitor.registry.metrics());

    expect(lines).toContain(
      `opsdeck_backup_last_success_timestamp_seconds{host="files01",label="share"} ${seconds(at(5))}`,
    );
    expect(lines).toContain('opsdeck_backup_stale_after_seconds{host="files01",label="share"} 21600');
    expect(lines.filter((l) => l.includes('host="web01"') || l.includes('host="db01"'))).toEqual([]);
  });
});
