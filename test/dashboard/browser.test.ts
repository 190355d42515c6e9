import { mkdir } from "node:fs/promises";
import * as path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../../app/checks/result";
import { writeRound } from "../../app/history/write";
import type { Store } from "../../app/storage/store";
import { listen, type RunningServer } from "../../dashboard/server";
import { useTempDirs } from "../support/temp-dir";
import { dashboardFor, HOSTILE_NAME, seededStore, testConfig } from "./support";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.resolve(__dirname, "../../test-artifacts/dashboard");
const tempDir = useTempDirs("opsdeck-dashboard-browser");

let browser: Browser;
let server: RunningServer | undefined;
let store: Store;
let page: Page;
const dialogs: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  // `npm test` installs chromium first (scripts/ensure-test-deps.sh); a missing browser fails here, loudly.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  const now = new Date();
  store = await seededStore(await tempDir(), now, { latest: { api: "down" } });
  const dashboard = await dashboardFor(testConfig({ refreshSeconds: 1, cacheTtlMs: 200 }), store);
  server = await listen(dashboard.app, { port: 0, hostname: "127.0.0.1" });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  dialogs.length = 0;
  consoleErrors.length = 0;
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
});
afterEach(async () => {
  await page?.close();
  await server?.close();
  server = undefined;
});

/** The page globals the tests touch (the project compiles without DOM types). */
interface BrowserGlobals {
  getComputedStyle(element: unknown): { backgroundColor: string };
  opsdeckMarker?: number;
}

const url = (route: string) => `${server?.url}${route}`;

describe("the status page in a real browser", () => {
  it("shows the overall state, each public check with 90 uptime bars and a response-time chart", async () => {
    await page.goto(url("/"));

    expect(await page.locator(".overall h2").textContent()).toBe("All systems operational");
    const web = page.locator('li.check[data-check="web"]');
    expect(await web.locator(".check-name").textContent()).toBe("Web site");
    expect(await web.locator(".status").textContent()).toBe("Up");
    expect(await web.locator("svg.uptime-bars rect").count()).toBe(90);
    expect(await web.locator("svg.uptime-bars rect.bar-down").count()).toBe(1);
    const chart = await web.locator("svg.latency-chart").boundingBox();
    expect(chart?.width).toBeGreaterThan(300);
    expect(await web.locator("path.latency-line").getAttribute("d")).toMatch(/^M[\d.]+ [\d.]+ L/);
    expect(await page.locator('li.check[data-check="api"]').count()).toBe(0); // operator-only
    // The stylesheet loaded under the CSP: a status badge has its colour.
    expect(
      await web
        .locator(".status")
        .evaluate((el) => (globalThis as unknown as BrowserGlobals).getComputedStyle(el).backgroundColor),
    ).toBe("rgb(31, 157, 85)");
    await page.screenshot({ path: path.join(ARTIFACTS, "status-page.png"), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it("renders a check named <img src=x onerror=alert(1)> as text", async () => {
    await page.goto(url("/"));

    const name = page.locator('li.check[data-check="hostile"] .check-name');
    expect(await name.textContent()).toBe(HOSTILE_NAME);
    expect(await name.isVisible()).toBe(true);
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("opens a check's history from the status page", async () => {
    await page.goto(url("/"));

    await page.locator('li.check[data-check="web"] a.check-name').click();
    await page.waitForURL(/\/checks\/web$/);

    expect(await page.locator("h2.check-title").textContent()).toBe("Web site");
    // The last 24 hours: the seed's half-hourly results (the oldest is just out of range now) and the newest round.
    expect(await page.locator("table.history tbody tr").count()).toBe(48);
    expect(await page.locator("table.uptime-windows td").allTextContents()).toHaveLength(4);
    expect(await page.locator("svg.latency-chart circle.latency-dot").count()).toBeGreaterThan(40);
    await page.screenshot({ path: path.join(ARTIFACTS, "check-history.png"), fullPage: true });
  });

  it("refreshes in place when the state changes, without reloading the page", async () => {
    await page.goto(url("/"));
    await page.evaluate(() => {
      (globalThis as unknown as BrowserGlobals).opsdeckMarker = 42;
    });

    const at = new Date();
    const down: CheckResult = {
      checkId: "web",
      type: "http",
      status: "down",
      startedAt: at.toISOString(),
      durationMs: 5_000,
      attempts: 2,
      message: "HTTP 503",
      conditions: [],
      statusCode: 503,
    };
    await writeRound(store, { roundId: "browser", finishedAt: at, results: [down] });
    await page.waitForSelector('li.check[data-check="web"][data-status="down"]', { timeout: 20_000 });

    expect(await page.locator(".overall h2").textContent()).toBe("Some systems are down");
    const marker = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).opsdeckMarker);
    expect(marker).toBe(42); // the same document: swapped in place, not reloaded
    expect(await page.locator("main").getAttribute("data-refreshed-at")).not.toBeNull();
  });
});
