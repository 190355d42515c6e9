import { beforeEach, describe, expect, it } from "vitest";
import { buildLogReport, writeLogReport } from "../../app/agent/log-report";
import type { WindowCounts } from "../../app/agent/log-window";
import { recordSuccess, recordVerify } from "../../app/backup/state";
import { writeHeartbeat } from "../../app/hosts/heartbeat";
import { writeRemediationState } from "../../app/remediation/state";
import type { Store } from "../../app/storage/store";
import type { FleetView } from "../../dashboard/fleet/model";
import { backupSuccess } from "../support/backup-states";
import { useTempDirs } from "../support/temp-dir";
import { bearer, dashboardFor, hostSnapshot, seededStore, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-fleet");
const now = () => NOW;
let store: Store;

beforeEach(async () => {
  store = await seededStore(await tempDir(), NOW);
});

/** The table row of one host. */
const row = (page: string, host: string) => page.split(`data-host="${host}"`)[1]?.split("</tr>")[0] ?? "";

describe("fleet view", () => {
  it("lists check remediation attempts newest first, for operators only", async () => {
    await writeRemediationState(store, {
      version: 1,
      updatedAt: NOW.toISOString(),
      checks: { web: { failures: 3, attempts: ["2026-11-21T09:50:00.000Z"] } },
      recent: [
        {
          checkId: "web",
          outcome: "suppressed",
          at: "2026-11-21T09:58:00.000Z",
          action: "restart nginx.service",
          message: "remediation exhausted: 3 attempts within 1 h",
        },
        {
          checkId: "web",
          outcome: "failed",
          at: "2026-11-21T09:50:01.000Z",
          action: "restart nginx.service",
          message: "exit code 1: <unit> failed",
        },
        {
          checkId: "web",
          outcome: "started",
          at: "2026-11-21T09:50:00.000Z",
          action: "restart nginx.service",
          message: "after 3 consecutive failures",
        },
      ],
    });
    const { app } = await dashboardFor(testConfig(), store, { now });

    const page = await (await app.request("/fleet", { headers: bearer })).text();
    const status = await (await app.request("/")).text();

    const rows = page.split('<section class="remediations">')[1]?.split("</section>")[0] ?? "";
    expect(rows.match(/data-outcome="(\w+)"/g)).toEqual([
      'data-outcome="suppressed"',
      'data-outcome="failed"',
      'data-outcome="started"',
    ]);
    expect(rows).toContain('<span class="status status-down">exhausted</span>');
    expect(rows).toContain("exit code 1: &lt;unit&gt; failed");
    expect(status).not.toContain("nginx.service");
  });

  it("lists hosts with heartbeat age, CPU, memory, disk, load, backups and log errors", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const page = await (await app.request("/fleet", { headers: bearer })).text();

    const web01 = row(page, "web01");
    expect(web01).toContain('data-status="up"');
    expect(web01).toContain("<td>20s ago</td>");
    expect(web01).toContain("<td>43%</td>"); // CPU 42.5 %
    expect(web01).toContain("<td>75%</td>"); // memory
    expect(web01).toContain("<div>/ 85%</div>");
    expect(web01).toContain("<td>0.50</td>");
    expect(web01).toContain(
      '<td class="backup"><div class="backup-job" data-label="etc"><span class="label">etc</span> 2h 0m ago · 5.0 MiB</div></td>',
    );
    expect(web01).toContain('<span class="label">etc</span> <span class="status status-up">OK</span>');
    expect(web01).toContain("7 errors, 3 warnings");
  });

  it("shows each device's disk I/O and each peer's connect time, and why a connect failed", async () => {
    await writeHeartbeat(
      store,
      {
        ...hostSnapshot("web01"),
        diskIO: [
          {
            device: "nvme0n1",
            readsCompleted: 10,
            writesCompleted: 20,
            readBytes: 4096,
            writtenBytes: 8192,
            readTimeSeconds: 1,
            writeTimeSeconds: 2,
            ioTimeSeconds: 3,
            readBytesPerSecond: 2 * 1024 * 1024,
            writeBytesPerSecond: 512,
            ioUtilizationPercent: 37.4,
          },
        ],
        latency: [
          { target: "db01", address: "10.0.1.5:5432", up: true, connectSeconds: 0.00042 },
          {
            target: "cache",
            address: "10.0.1.9:6379",
            up: false,
            connectSeconds: null,
            error: "ECONNREFUSED",
          },
        ],
      },
      { now: new Date(NOW.getTime() - 20_000), intervalMs: 30_000 },
    );
    const { app } = await dashboardFor(testConfig(), store, { now });

    const page = await (await app.request("/fleet", { headers: bearer })).text();

    const web01 = row(page, "web01");
    expect(web01).toContain('<div data-device="nvme0n1">nvme0n1 37% busy · r 2.0 MiB/s · w 512 B/s</div>');
    expect(web01).toContain('<div data-target="db01">db01 0.4 ms</div>');
    expect(web01).toContain(
      '<div data-target="cache">cache <span class="status status-down">Down</span> <span class="message">ECONNREFUSED</span></div>',
    );
    expect(row(page, "db01")).toContain('<td class="latency">–</td>');
  });

  it("lists each backup job and marks the one whose last success is older than its threshold", async () => {
    const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
    await store.put(
      "hosts/web01.backup.json",
      JSON.stringify({
        jobs: [
          { label: "etc", lastSuccess: { completedAt: hoursAgo(1), size: 1024 } },
          {
            label: "www",
            lastSuccess: { completedAt: hoursAgo(13), size: 2048, staleAfterMs: 12 * 3_600_000 },
            lastFailure: { failedAt: hoursAgo(1), error: "<b>disk</b> full" },
          },
        ],
      }),
    );
    const { app } = await dashboardFor(testConfig(), store, { now });

    const web01 = row(await (await app.request("/fleet", { headers: bearer })).text(), "web01");

    expect(web01).toContain(
      '<div class="backup-job" data-label="etc"><span class="label">etc</span> 1h 0m ago · 1.0 KiB</div>',
    );
    expect(web01).toContain(
      '<div class="backup-job" data-label="www" data-stale="true"><span class="label">www</span> 13h 0m ago · 2.0 KiB <span class="status status-degraded" title="no successful backup for more than 12h 0m">Stale</span>',
    );
    expect(web01).toContain("failed 2026-11-21 09:00:00 UTC: &lt;b&gt;disk&lt;/b&gt; full");
    expect(web01.match(/data-stale/g)).toHaveLength(1);
  });

  it("shows a host with a stale heartbeat as down, with its open alert", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const page = await (await app.request("/fleet", { headers: bearer })).text();

    const db01 = row(page, "db01");
    expect(db01).toContain('data-status="down"');
    expect(db01).toContain("no heartbeat for 1h 0m");
    expect(db01).toContain("db01 stopped sending heartbeats");
  });

  it('says "no data" for backups and logs a host has not reported', async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const page = await (await app.request("/fleet", { headers: bearer })).text();

    const db01 = row(page, "db01");
    expect(db01).toContain('<td class="backup"><span class="muted">no data</span></td>');
    expect(db01).toContain('<td class="verify"><span class="muted">no data</span></td>');
    expect(db01).toContain('<td class="logs"><span class="muted">no data</span></td>');
  });

  it("renders log lines as text", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const page = await (await app.request("/fleet", { headers: bearer })).text();

    expect(page).toContain("4× &lt;script&gt;alert(&#39;log&#39;)&lt;/script&gt; upstream timed out");
    expect(page).not.toContain("<script>alert");
  });

  it("names a damaged report and its bad field, and still shows the host", async () => {
    await store.put(
      "hosts/web01.backup.json",
      JSON.stringify({ jobs: [{ label: "etc", lastSuccess: { size: 1 } }] }),
    );
    await store.put("hosts/web01.logs.json", "{ not json");
    const { app } = await dashboardFor(testConfig(), store, { now });

    const view = (await (await app.request("/api/hosts", { headers: bearer })).json()) as FleetView;

    expect(view.problems).toEqual([
      expect.stringContaining("jobs[0].lastSuccess.completedAt"),
      "hosts/web01.logs.json is not valid JSON",
    ]);
    expect(view.hosts.find((h) => h.host === "web01")).toMatchObject({
      status: "up",
      backup: null,
      logs: null,
    });
  });

  it("serves the same data as JSON at /api/hosts", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const view = (await (await app.request("/api/hosts", { headers: bearer })).json()) as FleetView;

    expect(view.generatedAt).toBe(NOW.toISOString());
    expect(view.hosts.map((h) => h.host)).toEqual(["db01", "web01"]);
    expect(view.hosts[1]).toMatchObject({
      host: "web01",
      status: "up",
      cpuPercent: 42.5,
      memoryPercent: 75,
      alerts: [],
      backup: { jobs: [{ label: "etc", sizeBytes: 5 * 1024 * 1024, stale: false, verify: { ok: true } }] },
      logs: { errors: 7, warnings: 3, windowMinutes: 60 },
    });
    expect(view.hosts[0]?.alerts).toEqual([expect.objectContaining({ subject: "host:db01:heartbeat" })]);
  });
});

describe("reports written by the agent's own writers", () => {
  it("shows what app/backup and app/agent record for a host", async () => {
    const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
    await recordSuccess(
      store,
      backupSuccess({
        host: "db01",
        label: "pgdump",
        id: "20261121T090000Z-pgdump",
        startedAt: at(62),
        completedAt: at(60),
        durationMs: 120_000,
        size: 3 * 1024 * 1024,
        bytes: 9 * 1024 * 1024,
      }),
      NOW,
    );
    await recordVerify(
      store,
      {
        host: "db01",
        label: "pgdump",
        id: "20261121T090000Z-pgdump",
        key: "backups/db01/20261121T090000Z-pgdump.tar.gz",
        checkedAt: at(30),
        ok: false,
        problems: ["dump.sql: sha256 mismatch"],
      },
      NOW,
    );
    const counts: WindowCounts = {
      since: at(60),
      until: NOW.toISOString(),
      lines: 100,
      levels: { unknown: 0, trace: 0, debug: 0, info: 90, notice: 0, warn: 2, error: 8, fatal: 0 },
      errors: 8,
      warnings: 2,
      errorTypes: [{ type: "DiskFull", count: 8 }],
      files: [],
    };
    await writeLogReport(store, buildLogReport("db01", 60, counts));
    const { app } = await dashboardFor(testConfig(), store, { now });

    const view = (await (await app.request("/api/hosts", { headers: bearer })).json()) as FleetView;

    expect(view.problems).toEqual([]);
    expect(view.hosts.find((h) => h.host === "db01")).toMatchObject({
      backup: {
        jobs: [
          {
            label: "pgdump",
            lastSuccessAt: at(60),
            ageMs: 3_600_000,
            sizeBytes: 3 * 1024 * 1024,
            stale: false,
            verify: { ok: false, problems: ["dump.sql: sha256 mismatch"] },
          },
        ],
        stale: [],
      },
      logs: { errors: 8, warnings: 2, windowMinutes: 60, topErrors: [{ message: "DiskFull", count: 8 }] },
    });
  });
});
