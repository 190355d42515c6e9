import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../app/storage/store";
import { useTempDirs } from "../support/temp-dir";
import { bearer, dashboardFor, seededStore, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-metrics");
let store: Store;

beforeEach(async () => {
  store = await seededStore(await tempDir(), NOW, { latest: { api: "down" } });
});

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
