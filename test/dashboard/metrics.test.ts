import { beforeEach, describe, expect, it } from "vitest";
import { startAgent } from "../../app/agent/start";
import { recordFailure, recordSuccess, recordVerify } from "../../app/backup/state";
import { parseAppConfig } from "../../app/config/load";
import type { Store } from "../../app/storage/store";
import { fixedSource } from "../app/monitor/support";
import { backupFailure, backupSuccess } from "../support/backup-states";
import { useTempDirs } from "../support/temp-dir";
import { bearer, dashboardFor, seededStore, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-metrics");
let store: Store;

beforeEach(async () => {
  store = await seededStore(await tempDir(), NOW, { latest: { api: "down" } });
});

/** web01: etc (recorded 12 h threshold, verified) and www (no threshold, failed since its success). */
async function seedBackups(store: Store): Promise<void> {
  const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString();
  const success = (label: string, hoursAgo: number, size: number, staleAfterMs?: number) =>
    backupSuccess({
      host: "web01",
      label,
      completedAt: at(hoursAgo),
      size,
      ...(staleAfterMs ? { staleAfterMs } : {}),
    });
  await recordSuccess(store, success("etc", 2, 5_242_880, 12 * 3_600_000), NOW);
  await recordVerify(
    store,
    {
      host: "web01",
      label: "etc",
      id: "x-etc",
      key: "backups/web01/x-etc.tar.gz",
      checkedAt: at(1),
      ok: true,
      problems: [],
    },
    NOW,
  );
  await recordSuccess(store, success("www", 30, 1024), NOW);
  await recordFailure(store, backupFailure({ host: "web01", label: "www", failedAt: at(3) }), NOW);
}

describe("/metrics", () => {
  it("exposes every check's last result and every host's heartbeat in Prometheus text format", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: () => NOW });

    const res = await app.request("/metrics", { headers: bearer });
    const text = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(text).toContain('opsdeck_check_success{check="web",type="http"} 1');
    expect(text).toContain('opsdeck_check_success{check="api",type="http"} 0');
    expect(text).toContain('opsdeck_host_up{host="web01"} 1');
    expect(text).toContain('opsdeck_host_up{host="db01"} 0');
    expect(text).toContain('node_load1{host="web01"} 0.5');
  });

  it("exposes each backup job's freshness, as app/backup records it, per host and label", async () => {
    await seedBackups(store);
    const { app } = await dashboardFor(testConfig(), store, { now: () => NOW });
    const seconds = (iso: string) => Date.parse(iso) / 1000;
    const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString();

    const text = await (await app.request("/metrics", { headers: bearer })).text();

    expect(text).toContain(
      `opsdeck_backup_last_success_timestamp_seconds{host="web01",label="etc"} ${seconds(at(2))}`,
    );
    expect(text).toContain(
      `opsdeck_backup_last_success_timestamp_seconds{host="web01",label="www"} ${seconds(at(30))}`,
    );
    expect(text).toContain('opsdeck_backup_last_success_size_bytes{host="web01",label="etc"} 5242880');
    expect(text).toContain('opsdeck_backup_last_success_size_bytes{host="web01",label="www"} 1024');
    expect(text).toContain('opsdeck_backup_last_verify_ok{host="web01",label="etc"} 1');
    expect(text).not.toContain('opsdeck_backup_last_verify_ok{host="web01",label="www"}');
    expect(text).toContain(
      `opsdeck_backup_last_failure_timestamp_seconds{host="web01",label="www"} ${seconds(at(3))}`,
    );
    expect(text).not.toContain('opsdeck_backup_last_failure_timestamp_seconds{host="web01",label="etc"}');
    // etc recorded its job's threshold; www did not, so it has the default (48 h).
    expect(text).toContain('opsdeck_backup_stale_after_seconds{host="web01",label="etc"} 43200');
    expect(text).toContain('opsdeck_backup_stale_after_seconds{host="web01",label="www"} 172800');
  });

  it("agrees with the agent's own registry on that agent's jobs when both run in one process (npm start)", async () => {
    await seedBackups(store);
    // dashboard/main.ts: the dashboard, and startAgent on the same store; two registries, no clash.
    const { app } = await dashboardFor(testConfig(), store, { now: () => NOW });
    const agent = startAgent(parseAppConfig({ hosts: { name: "web01" } }, "agent config"), store, {
      source: fixedSource(),
      env: {},
      now: () => NOW,
    });
    try {
      await agent.monitor.scheduler.runNow("backup-metrics");
      const web01 = (text: string) =>
        text
          .split("\n")
          .filter((l) => l.startsWith("opsdeck_backup_") && l.includes('host="web01"'))
          .sort();

      const dashboard = web01(await (await app.request("/metrics", { headers: bearer })).text());
      const own = web01(await agent.monitor.registry.metrics());

      expect(dashboard).toHaveLength(9);
      expect(own).toEqual(dashboard);
    } finally {
      await agent.stop(5_000);
    }
  });

  it("serves every scrape of one snapshot the same bytes, with the security policy and no caching", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: () => NOW });

    const first = await app.request("/metrics", { headers: bearer });
    const second = await app.request("/metrics", { headers: bearer });

    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get("cache-control")).toBe("no-store");
    expect(second.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(second.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("refuses a scrape without operator credentials", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: () => NOW });

    const res = await app.request("/metrics");

    expect(res.status).toBe(401);
  });
});
