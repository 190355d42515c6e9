import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../app/storage/store";
import { captureLogger } from "../support/capture-log";
import { useTempDirs } from "../support/temp-dir";
import { bearer, dashboardFor, seededStore, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-errors");
const now = () => NOW;
let store: Store;

beforeEach(async () => {
  store = await seededStore(await tempDir(), NOW);
});

const ROUTES: Array<[string, Record<string, string>]> = [
  ["/", {}],
  ["/fragment/status", {}],
  ["/api/status", {}],
  ["/checks/web", {}],
  ["/api/checks/web/history", {}],
  ["/badge/web/status.svg", {}],
  ["/fleet", bearer],
  ["/api/hosts", bearer],
  ["/metrics", bearer],
  ["/healthz", {}],
  ["/assets/refresh.js", {}],
  ["/nope", {}],
  ["/fleet", {}],
  ["/api/checks/web/history?from=x", {}],
];

describe("security headers", () => {
  it.each(ROUTES)("%s carries the same security policy (auth %j)", async (route, headers) => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request(route, { headers });

    const csp = res.headers.get("content-security-policy");
    expect(csp).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });
});

describe("errors", () => {
  it("answers unknown pages with a plain 404 and unknown API paths with JSON", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const page = await app.request("/nope");
    const api = await app.request("/api/nope");

    expect(page.status).toBe(404);
    expect(await page.text()).toBe("Not Found");
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { status: 404, message: "Not Found" } });
  });

  it("refuses a request body over the limit before reading it", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const declared = await app.request("/api/status", {
      method: "POST",
      body: "x".repeat(64 * 1024),
      headers: { "content-length": String(64 * 1024) },
    });
    const streamed = await app.request("/api/status", {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("y".repeat(4096)));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);

    expect(declared.status).toBe(413);
    expect(streamed.status).toBe(413);
  });

  it("turns an unexpected failure into a plain 500, logged but without internals in the response", async () => {
    const failing: Store = {
      location: store.location,
      get: (key) =>
        key.startsWith("checks/web/2026-11-1")
          ? Promise.reject(new TypeError("disk exploded at /var/lib/secret/path"))
          : store.get(key),
      put: (key, body, options) => store.put(key, body, options),
      putStream: (key, body, options) => store.putStream(key, body, options),
      getStream: (key) => store.getStream(key),
      head: (key) => store.head(key),
      list: (prefix) => store.list(prefix),
      delete: (key) => store.delete(key),
    };
    const log = captureLogger();
    const { app } = await dashboardFor(testConfig(), failing, { now, logger: log.logger });

    const res = await app.request(
      "/api/checks/web/history?from=2026-11-15T00:00:00Z&to=2026-11-16T00:00:00Z",
    );
    const body = await res.text();

    expect(res.status).toBe(500);
    expect(body).toBe('{"error":{"status":500,"message":"Internal Server Error"}}');
    expect(log.text()).toContain("disk exploded");
    expect(log.text()).toContain('"path":"/api/checks/web/history"');
  });

  it("answers HEAD like GET without a body", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request("/", { method: "HEAD" });

    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});

describe("page assets", () => {
  it("serves the refresh script and the stylesheet from the app, cacheable", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const script = await app.request("/assets/refresh.js");
    const style = await app.request("/assets/dashboard.css");

    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain('querySelector("main[data-fragment]")');
    expect(style.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(style.headers.get("cache-control")).toBe("public, max-age=300");
  });

  it("serves the favicon the page links to as SVG, answering a repeat visit with 304", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const icon = await app.request("/assets/favicon.svg");
    const again = await app.request("/assets/favicon.svg", {
      headers: { "if-none-match": icon.headers.get("etag") ?? "" },
    });

    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(again.status).toBe(304);
  });

  it("answers /healthz with the contract's body", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request("/healthz");

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});
