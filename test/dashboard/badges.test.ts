import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../app/storage/store";
import { useTempDirs } from "../support/temp-dir";
import { bearer, dashboardFor, seededStore, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-badges");
const now = () => NOW;
let store: Store;

beforeEach(async () => {
  store = await seededStore(await tempDir(), NOW, { latest: { web: "degraded" } });
});

describe("SVG badges", () => {
  it("shows a check's current state, embeddable from other sites", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request("/badge/web/status.svg");
    const svg = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("<title>Web site: degraded</title>");
    expect(svg).toContain('fill="#d69e2e"');
  });

  it("shows uptime over the requested window, 30 days by default", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const thirty = await (await app.request("/badge/web/uptime.svg")).text();
    const ninety = await (await app.request("/badge/web/uptime.svg?window=90d")).text();

    expect(thirty).toMatch(/<title>uptime 30d: 9\d\.\d\d%<\/title>/);
    expect(ninety).toMatch(/<title>uptime 90d: 99\.\d\d%<\/title>/);
  });

  it("escapes a hostile check name", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const svg = await (await app.request("/badge/hostile/status.svg")).text();

    expect(svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(svg).not.toContain("<img");
  });

  it("refuses an unknown window and hides operator-only checks", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    expect((await app.request("/badge/web/uptime.svg?window=1y")).status).toBe(400);
    expect((await app.request("/badge/api/status.svg")).status).toBe(404);
    expect((await app.request("/badge/api/status.svg", { headers: bearer })).status).toBe(200);
    expect((await app.request("/badge/web/other.svg")).status).toBe(404);
  });
});
