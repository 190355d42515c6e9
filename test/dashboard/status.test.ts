import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../app/storage/store";
import { listen } from "../../dashboard/server";
import type { StatusView } from "../../dashboard/status/view-model";
import { useTempDirs } from "../support/temp-dir";
import { bearer, countingStore, dashboardFor, HOSTILE_NAME, seededStore, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-status");
const SEED = { latest: { api: "down" as const }, messages: { web: "OK <script>alert('status')</script>" } };
let store: Store;

beforeEach(async () => {
  store = await seededStore(await tempDir(), NOW, SEED);
});

const fixed = () => NOW;
/** The slice of the page for one check. */
const checkBlock = (page: string, id: string) => page.split(`data-check="${id}"`)[1]?.split("</li>")[0] ?? "";

describe("status page", () => {
  it("shows every public check with its state, a 90-day uptime bar and a response-time chart", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });

    const res = await app.request("/");
    const page = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const web = checkBlock(page, "web");
    expect(web).toContain('data-status="up"');
    expect(web.match(/<rect class="bar bar-/g)).toHaveLength(90);
    expect(web).toContain('class="bar bar-down"'); // the bad day ten days ago
    expect(web).toMatch(/<path class="latency-line" d="M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+"/);
    expect(page).toContain("<h3>Site</h3>");
  });

  it("keeps operator-only checks, their incidents and hosts off the public page", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });

    const page = await (await app.request("/")).text();

    expect(page).not.toContain("Internal API");
    expect(page).not.toContain("db01");
    expect(page).toContain('data-overall="up"'); // api is down, but the public does not see it
    expect(page).toContain("Web site is down"); // the incident of a public check is shown
  });

  it("shows operators every check and the overall state including them", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });

    const res = await app.request("/", { headers: bearer });
    const page = await res.text();

    expect(page).toContain('data-check="api" data-status="down"');
    expect(page).toContain('data-overall="down"');
    expect(page).toContain("db01 stopped sending heartbeats");
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
  });

  it("renders a hostile check name, status message and incident text as text, never as markup", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });

    const page = await (await app.request("/")).text();

    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page).not.toContain(HOSTILE_NAME);
    expect(page).toContain("OK &lt;script&gt;alert(&#39;status&#39;)&lt;/script&gt;");
    expect(page).toContain("HTTP 503 &lt;b&gt;bold&lt;/b&gt;");
    expect(page.match(/<script/g)).toHaveLength(1); // the one external script of the layout
    expect(page).toContain('<script src="/assets/refresh.js" defer></script>');
  });

  it("serves the <main> content alone as the refresh fragment, with the ETag the page announces", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });

    const page = await (await app.request("/")).text();
    const fragment = await app.request("/fragment/status");
    const body = await fragment.text();

    expect(body.startsWith('<section class="overall')).toBe(true);
    expect(body).not.toContain("<html");
    expect(page).toContain(`data-etag="${fragment.headers.get("etag")?.replaceAll('"', "&quot;")}"`);
    expect(page).toContain('data-fragment="/fragment/status"');
  });

  it("answers a repeated request with 304 Not Modified while the snapshot is unchanged", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });
    const first = await app.request("/");
    const etag = first.headers.get("etag") ?? "";

    const again = await app.request("/", { headers: { "if-none-match": etag } });
    const weak = await app.request("/", { headers: { "if-none-match": `"other", W/${etag}` } });

    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(weak.status).toBe(304);
  });
});

describe("/api/status", () => {
  it("gives the public view as JSON: checks with state, uptime windows, days and response times", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });

    const res = await app.request("/api/status");
    const body = (await res.json()) as StatusView;

    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(body.overall).toBe("up");
    expect(body.checks.map((c) => c.id)).toEqual(["web", "hostile"]);
    expect(body.checks[0]).toMatchObject({ id: "web", name: "Web site", status: "up", group: "Site" });
    expect(body.checks[0]?.days).toHaveLength(90);
    expect(body.checks[0]?.uptime["90d"]).toBeGreaterThan(0.98);
    expect(body.checks[0]?.responseTimes.length).toBeGreaterThan(10);
    expect(body.checks[1]?.name).toBe(HOSTILE_NAME); // JSON carries the text as it is
    expect(body).not.toHaveProperty("hosts");
    expect(body).not.toHaveProperty("problems");
  });

  it("adds hosts, problems and operator-only checks for operators", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });

    const body = (await (await app.request("/api/status", { headers: bearer })).json()) as StatusView;

    expect(body.overall).toBe("down");
    expect(body.checks.map((c) => c.id)).toEqual(["web", "api", "hostile"]);
    expect(body.hosts?.map((h) => [h.host, h.status])).toEqual([
      ["db01", "down"],
      ["web01", "up"],
    ]);
    expect(body.problems).toEqual([]);
  });
});

describe("caching", () => {
  it("serves repeated views from the snapshot without reading the store", async () => {
    const counting = countingStore(store);
    const { app } = await dashboardFor(testConfig(), counting, { now: fixed });
    await app.request("/");
    const readsAfterFirst = counting.reads();

    for (let i = 0; i < 20; i++) {
      await app.request("/");
      await app.request("/api/status");
      await app.request("/badge/web/status.svg");
    }

    expect(readsAfterFirst).toBeGreaterThan(0);
    expect(counting.reads()).toBe(readsAfterFirst);
  });

  it("reads the store again once the snapshot is older than the TTL", async () => {
    let clock = NOW;
    const counting = countingStore(store);
    const { app } = await dashboardFor(testConfig({ cacheTtlMs: 1_000 }), counting, {
      now: () => clock,
      maxStaleMs: 0,
    });
    await app.request("/");
    const readsAfterFirst = counting.reads();

    clock = new Date(NOW.getTime() + 1_001);
    await app.request("/");

    expect(counting.reads()).toBeGreaterThan(readsAfterFirst);
  });

  it("keeps serving the last snapshot while the store fails", async () => {
    let clock = NOW;
    let broken = false;
    const flaky: Store = {
      location: store.location,
      get: (key) => (broken ? Promise.reject(new Error("store unavailable")) : store.get(key)),
      list: (prefix) => store.list(prefix),
      put: (key, body, options) => store.put(key, body, options),
      putStream: (key, body, options) => store.putStream(key, body, options),
      getStream: (key) => store.getStream(key),
      head: (key) => store.head(key),
      delete: (key) => store.delete(key),
    };
    const { app } = await dashboardFor(testConfig({ cacheTtlMs: 1_000 }), flaky, {
      now: () => clock,
      maxStaleMs: 0,
    });
    const before = await (await app.request("/api/status")).text();

    broken = true;
    clock = new Date(NOW.getTime() + 5_000);
    const during = await app.request("/api/status");

    expect(during.status).toBe(200);
    expect(await during.text()).toBe(before);
  });

  it("answers 503 when the stored state could never be read", async () => {
    const broken: Store = {
      location: "broken://",
      get: () => Promise.reject(new Error("store unavailable")),
      list: () => store.list("nothing-here/"),
      put: (key, body, options) => store.put(key, body, options),
      putStream: (key, body, options) => store.putStream(key, body, options),
      getStream: (key) => store.getStream(key),
      head: (key) => store.head(key),
      delete: (key) => store.delete(key),
    };
    const { app } = await dashboardFor(testConfig(), broken, { now: fixed });

    const res = await app.request("/api/status");

    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: { status: 503, message: "status data is not available right now" },
    });
  });
});

describe("over a real HTTP server (@hono/node-server)", () => {
  it("reads conditional and credential headers from the Node request", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now: fixed });
    const server = await listen(app, { port: 0, hostname: "127.0.0.1" });
    try {
      const first = await fetch(`${server.url}/api/status`);
      const etag = first.headers.get("etag") ?? "";
      await first.arrayBuffer();

      const cached = await fetch(`${server.url}/api/status`, { headers: { "if-none-match": etag } });
      const operator = (await (
        await fetch(`${server.url}/api/status`, { headers: bearer })
      ).json()) as StatusView;
      const wrong = await fetch(`${server.url}/api/status`, { headers: { authorization: "Bearer wrong" } });

      expect(cached.status).toBe(304);
      expect(operator.checks.map((c) => c.id)).toContain("api");
      expect(wrong.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
