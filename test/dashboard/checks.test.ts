import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../app/storage/store";
import type { RecentHistory } from "../../dashboard/status/history-cache";
import { useTempDirs } from "../support/temp-dir";
import { bearer, dashboardFor, seededStore, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-checks");
const now = () => NOW;
let store: Store;

beforeEach(async () => {
  store = await seededStore(await tempDir(), NOW, { messages: { hostile: "refused <svg onload=alert(2)>" } });
});

describe("a check's history page", () => {
  it("shows the check's state, uptime windows, day bars, response times and recent results", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request("/checks/web");
    const page = await res.text();

    expect(res.status).toBe(200);
    expect(page).toContain('<h2 class="check-title">Web site</h2>');
    expect(page).toMatch(/<th>24h<\/th><th>7d<\/th><th>30d<\/th><th>90d<\/th>/);
    expect(page.match(/<rect class="bar bar-/g)).toHaveLength(90);
    expect(page.match(/<circle class="latency-dot"/g)?.length).toBeGreaterThan(40);
    const rows = page.match(/<tr data-status="up">/g) ?? [];
    expect(rows).toHaveLength(49); // 48 half-hourly results over the last day and the newest round
    expect(page).toContain('data-fragment="/fragment/checks/web"');
    expect(page).toContain("Web site is down"); // its incident
  });

  it("renders a hostile check name and result message as text", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const page = await (await app.request("/checks/hostile")).text();

    expect(page).toContain('<h2 class="check-title">&lt;img src=x onerror=alert(1)&gt;</h2>');
    expect(page).toContain("refused &lt;svg onload=alert(2)&gt;");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<svg onload");
  });

  it("hides operator-only checks from the public as if they did not exist", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const hidden = await app.request("/checks/api");
    const unknown = await app.request("/checks/nope");
    const operator = await app.request("/checks/api", { headers: bearer });

    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toBe('no check with id "api"');
    expect(unknown.status).toBe(404);
    expect(operator.status).toBe(200);
  });
});

describe("/api/checks/:id/history", () => {
  it("returns the last 24 hours of results by default, oldest first", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request("/api/checks/web/history");
    const body = (await res.json()) as RecentHistory;

    expect(res.status).toBe(200);
    expect(body.checkId).toBe("web");
    expect(body.to).toBe(NOW.toISOString());
    expect(body.from).toBe("2026-11-20T10:00:00.000Z");
    expect(body.entries).toHaveLength(49);
    const times = body.entries.map((e) => e.at);
    expect(times).toEqual([...times].sort());
  });

  it("returns the results between from and to, read from the store", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request(
      "/api/checks/web/history?from=2026-11-21T08:00:00Z&to=2026-11-21T09:00:00Z",
    );
    const body = (await res.json()) as RecentHistory;

    expect(body.entries.map((e) => e.at)).toEqual([
      "2026-11-21T08:00:00.000Z",
      "2026-11-21T08:30:00.000Z",
      "2026-11-21T09:00:00.000Z",
    ]);
  });

  it.each([
    ["from=yesterday", "from: expected an ISO 8601 timestamp with a zone"],
    ["from=2026-11-21T09:00:00", "from: expected an ISO 8601 timestamp with a zone"],
    ["from=2026-11-21T09:00:00Z&to=2026-11-21T08:00:00Z", "from: must not be after to"],
    ["from=2026-11-01T00:00:00Z&to=2026-11-21T00:00:00Z", "from: the range may span at most 7 days"],
    ["limit=5", 'unrecognized key: "limit"'],
  ])("refuses ?%s with a 400 naming the parameter", async (query, message) => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request(`/api/checks/web/history?${query}`);
    const body = (await res.json()) as { error: { status: number; message: string } };

    expect(res.status).toBe(400);
    expect(body.error.status).toBe(400);
    expect(body.error.message).toContain(message);
  });

  it("answers 404 as JSON for a check the viewer may not see", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request("/api/checks/api/history");

    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { status: 404, message: 'no check with id "api"' } });
  });
});
