import * as http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../app/storage/store";
import { listen, type RunningServer } from "../../dashboard/server";
import { captureLogger } from "../support/capture-log";
import { useTempDirs } from "../support/temp-dir";
import { basic, bearer, dashboardFor, seededStore, TOKEN, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-rate-limit");
let store: Store;
let server: RunningServer | undefined;
let clock: number;
const now = () => new Date(clock);

beforeEach(async () => {
  clock = NOW.getTime();
  store = await seededStore(await tempDir(), NOW);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The dashboard on a real socket at 127.0.0.1, with `dashboard.rateLimit` as given. */
async function start(rateLimit: Record<string, unknown>, logger = captureLogger().logger): Promise<string> {
  const { app } = await dashboardFor(testConfig({ rateLimit }), store, { now, logger });
  server = await listen(app, { port: 0, hostname: "127.0.0.1" });
  return server.url;
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/**
 * One GET from a chosen loopback address: Linux routes all of 127.0.0.0/8 to lo, so 127.0.0.2 and
 * 127.0.0.3 are two real clients as far as the server's sockets can tell.
 */
function get(url: string, from: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress: from, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        const retryAfter = res.headers["retry-after"];
        resolve({ status: res.statusCode ?? 0, retryAfter, body });
      });
    });
    req.on("error", reject);
  });
}

async function times(n: number, request: () => Promise<Answer>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await request()).status);
  return statuses;
}

const A = "127.0.0.2";
const B = "127.0.0.3";
const wrongBearer = { authorization: "Bearer not-the-token" };

describe("request rate limit", () => {
  it("answers 429 with Retry-After in seconds once a client spent its requests", async () => {
    const url = await start({ requests: { limit: 3, windowSeconds: 60 } });

    const statuses = await times(3, () => get(`${url}/api/status`, A));
    const refused = await get(`${url}/api/status`, A);

    expect(statuses).toEqual([200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe("20");
    expect(JSON.parse(refused.body)).toEqual({
      error: { status: 429, message: "too many requests: slow down and retry later" },
    });
  });

  it("counts every route against the same budget, but never /healthz", async () => {
    const url = await start({ requests: { limit: 2, windowSeconds: 60 } });
    await get(`${url}/`, A);
    await get(`${url}/assets/dashboard.css`, A);

    const page = await get(`${url}/badge/web/status.svg`, A);
    const health = await times(5, () => get(`${url}/healthz`, A));

    expect(page.status).toBe(429);
    expect(health).toEqual([200, 200, 200, 200, 200]);
  });

  it("keeps clients apart: one client's burst does not refuse another", async () => {
    const url = await start({ requests: { limit: 2, windowSeconds: 60 } });
    await times(3, () => get(`${url}/api/status`, A));

    const other = await get(`${url}/api/status`, B);

    expect((await get(`${url}/api/status`, A)).status).toBe(429);
    expect(other.status).toBe(200);
  });

  it("lets the client in again once the window has refilled its budget", async () => {
    const url = await start({ requests: { limit: 2, windowSeconds: 60 } });
    await times(2, () => get(`${url}/api/status`, A));
    expect((await get(`${url}/api/status`, A)).status).toBe(429);

    clock += 30_000;
    const afterHalf = await get(`${url}/api/status`, A);
    const spentAgain = await get(`${url}/api/status`, A);
    clock += 60_000;
    const afterWindow = await times(2, () => get(`${url}/api/status`, A));

    expect(afterHalf.status).toBe(200);
    expect(spentAgain).toMatchObject({ status: 429, retryAfter: "30" });
    expect(afterWindow).toEqual([200, 200]);
  });

  it("ignores X-Forwarded-For unless proxies are configured: a client cannot pick its own key", async () => {
    const url = await start({ requests: { limit: 2, windowSeconds: 60 } });

    let n = 0;
    const statuses = await times(3, () =>
      get(`${url}/api/status`, A, { "x-forwarded-for": `198.51.100.${++n}` }),
    );

    expect(statuses).toEqual([200, 200, 429]);
  });

  it("behind one trusted proxy, counts the address the proxy appended, not what the client wrote", async () => {
    const url = await start({ requests: { limit: 1, windowSeconds: 60 }, trustedProxies: 1 });

    const first = await get(`${url}/api/status`, A, { "x-forwarded-for": "203.0.113.7" });
    const spoofed = await get(`${url}/api/status`, A, { "x-forwarded-for": "10.9.9.9, 203.0.113.7" });
    const otherClient = await get(`${url}/api/status`, A, { "x-forwarded-for": "203.0.113.8" });

    expect(first.status).toBe(200);
    expect(spoofed.status).toBe(429);
    expect(otherClient.status).toBe(200);
  });

  it("never refuses when turned off", async () => {
    const url = await start({ enabled: false, requests: { limit: 1 }, failedSignIns: { limit: 1 } });

    const reads = await times(5, () => get(`${url}/api/status`, A));
    const guesses = await times(5, () => get(`${url}/api/hosts`, A, wrongBearer));

    expect(reads).toEqual([200, 200, 200, 200, 200]);
    expect(guesses).toEqual([401, 401, 401, 401, 401]);
  });
});

describe("failed sign-in limit", () => {
  const limits = { requests: { limit: 1_000 }, failedSignIns: { limit: 3, windowSeconds: 300 } };

  it("locks a client out after its failed attempts, even with the right token then", async () => {
    const log = captureLogger();
    const url = await start(limits, log.logger);

    const guesses = await times(3, () => get(`${url}/api/hosts`, A, basic("opsdeck", "guess")));
    const locked = await get(`${url}/api/hosts`, A, bearer);

    expect(guesses).toEqual([401, 401, 401]);
    expect(locked.status).toBe(429);
    expect(locked.retryAfter).toBe("100");
    expect(JSON.parse(locked.body).error.message).toBe(
      "too many failed sign-ins from this address: retry later",
    );
    const lockouts = log.lines().filter((line) => line.includes("client locked out"));
    expect(lockouts).toHaveLength(1);
    expect(JSON.parse(lockouts[0] as string)).toMatchObject({ level: 40, client: A });
    expect(log.text()).not.toContain("guess");
    expect(log.text()).not.toContain(TOKEN);
  });

  it("does not lock out other clients, nor the public views of the locked one", async () => {
    const url = await start(limits);
    await times(3, () => get(`${url}/api/hosts`, A, wrongBearer));

    const operatorElsewhere = await get(`${url}/api/hosts`, B, bearer);
    const publicPage = await get(`${url}/api/status`, A);

    expect(operatorElsewhere.status).toBe(200);
    expect(publicPage.status).toBe(200);
  });

  it("gives one attempt back per refill interval and the whole budget after the window", async () => {
    const url = await start(limits);
    await times(3, () => get(`${url}/api/hosts`, A, wrongBearer));

    clock += 100_000;
    const oneBack = await get(`${url}/api/hosts`, A, wrongBearer);
    const lockedAgain = await get(`${url}/api/hosts`, A, bearer);
    clock += 300_000;
    const signedIn = await get(`${url}/api/hosts`, A, bearer);

    expect(oneBack.status).toBe(401);
    expect(lockedAgain.status).toBe(429);
    expect(signedIn.status).toBe(200);
  });

  it("does not spend the failed budget on successful sign-ins or on visits without credentials", async () => {
    const url = await start(limits);

    const signIns = await times(10, () => get(`${url}/api/hosts`, A, { authorization: `Bearer ${TOKEN}` }));
    const challenges = await times(10, () => get(`${url}/fleet`, A));
    const guesses = await times(4, () => get(`${url}/api/hosts`, A, wrongBearer));

    expect(signIns.every((status) => status === 200)).toBe(true);
    expect(challenges.every((status) => status === 401)).toBe(true);
    expect(guesses).toEqual([401, 401, 401, 429]);
  });

  it("counts wrong credentials sent to a public route too", async () => {
    const url = await start(limits);

    const guesses = await times(4, () => get(`${url}/api/status`, A, wrongBearer));

    expect(guesses).toEqual([401, 401, 401, 429]);
  });
});

describe("rate limit config", () => {
  it.each([
    [{ failedSignIns: { limit: 0 } }, "dashboard.rateLimit.failedSignIns.limit"],
    [{ requests: { windowSeconds: 1.5 } }, "dashboard.rateLimit.requests.windowSeconds"],
    [{ trustedProxies: -1 }, "dashboard.rateLimit.trustedProxies"],
    [{ maxClients: 0 }, "dashboard.rateLimit.maxClients"],
    [{ burst: 10 }, "dashboard.rateLimit"],
  ])("rejects %j naming %s", (rateLimit, field) => {
    expect(() => testConfig({ rateLimit })).toThrow(field);
  });

  it("defaults to 300 requests a minute and 5 failed sign-ins per 5 minutes, X-Forwarded-For ignored", () => {
    expect(testConfig().dashboard.rateLimit).toEqual({
      enabled: true,
      requests: { limit: 300, windowSeconds: 60 },
      failedSignIns: { limit: 5, windowSeconds: 300 },
      maxClients: 10_000,
      trustedProxies: 0,
    });
  });
});
