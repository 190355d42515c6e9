import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CheckConfig,
  CheckRunner,
  checkDefaultsSchema,
  checkSchema,
  runChecksOnce,
} from "../../../app/checks";
import { closedPort, type LoopbackServer, startHttpServer } from "../../support/loopback";

function httpCheck(fields: Record<string, unknown>): CheckConfig {
  return checkSchema.parse({ id: "web", type: "http", ...fields });
}
const noRetries = checkDefaultsSchema.parse({ retries: 0 });

/** A loopback service with the behaviours checks meet in the wild. */
let server: LoopbackServer;
let flakyHits = 0;
let failHits = 0;
let inFlight = 0;
let maxInFlight = 0;
let hangClosed: Promise<void> = Promise.resolve();
let onHangClosed: () => void = () => {};
let onHangStarted: () => void = () => {};

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  switch (url.pathname) {
    case "/ok":
      res.end("all good");
      return;
    case "/json":
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ status: "ok", db: { latencyMs: 3, replicas: ["a", "b"] } }));
      return;
    case "/fail":
      failHits++;
      res.statusCode = 500;
      res.end("boom");
      return;
    case "/maintenance":
      res.end("down for maintenance");
      return;
    case "/slow": {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(
        () => {
          inFlight--;
          res.end("slow but fine");
        },
        Number(url.searchParams.get("ms") ?? 100),
      );
      return;
    }
    case "/flaky":
      flakyHits++;
      res.statusCode = flakyHits === 1 ? 503 : 200;
      res.end();
      return;
    case "/hang":
      // Never answers; tells the test when it arrives and when the client gives up and closes it.
      req.socket.once("close", () => onHangClosed());
      onHangStarted();
      return;
    case "/echo":
      res.setHeader("content-type", "application/json");
      req.setEncoding("utf8");
      {
        let body = "";
        req.on("data", (c: string) => {
          body += c;
        });
        req.on("end", () =>
          res.end(JSON.stringify({ method: req.method, auth: req.headers["x-token"], body })),
        );
      }
      return;
    default:
      res.statusCode = 404;
      res.end();
  }
}

beforeAll(async () => {
  server = await startHttpServer(route);
});
afterAll(async () => {
  await server.close();
});

describe("http check", () => {
  it("reports up with the status code and every passed condition for a healthy endpoint", async () => {
    const [result] = await runChecksOnce(
      [httpCheck({ url: `${server.url}/ok`, bodyContains: "good" })],
      noRetries,
    );

    expect(result).toMatchObject({
      checkId: "web",
      type: "http",
      status: "up",
      statusCode: 200,
      attempts: 1,
    });
    expect(result?.conditions.map((c) => [c.name, c.passed])).toEqual([
      ["status", true],
      ["bodyContains", true],
    ]);
    expect(result?.durationMs).toBeGreaterThan(0);
  });

  it("reports down with the status code when the server answers 500", async () => {
    const [result] = await runChecksOnce([httpCheck({ url: `${server.url}/fail` })], noRetries);

    expect(result).toMatchObject({ status: "down", statusCode: 500 });
    expect(result?.message).toBe("status 500, expected 2xx");
  });

  it("accepts the status codes a check lists, by number or class", async () => {
    const results = await runChecksOnce(
      [
        httpCheck({ id: "a", url: `${server.url}/fail`, expectStatus: [500] }),
        httpCheck({ id: "b", url: `${server.url}/nope`, expectStatus: ["4xx"] }),
        httpCheck({ id: "c", url: `${server.url}/ok`, expectStatus: [204] }),
      ],
      noRetries,
    );

    expect(results.map((r) => r.status)).toEqual(["up", "up", "down"]);
  });

  it("reports down when the body lacks the expected text or pattern", async () => {
    const results = await runChecksOnce(
      [
        httpCheck({ id: "text", url: `${server.url}/maintenance`, bodyContains: "all good" }),
        httpCheck({ id: "regex", url: `${server.url}/maintenance`, bodyMatches: "^all\\s+good$" }),
      ],
      noRetries,
    );

    expect(results.map((r) => [r.status, r.message])).toEqual([
      ["down", 'body does not contain "all good"'],
      ["down", "body does not match /^all\\s+good$/"],
    ]);
  });

  it("evaluates JSON-path conditions on the body and names the one that failed", async () => {
    const passing = httpCheck({
      id: "json-ok",
      url: `${server.url}/json`,
      json: [
        { path: "$.status", equals: "ok" },
        { path: "$.db.latencyMs", matches: "^\\d+$" },
        { path: "$.db.replicas[?(@ === 'b')]", exists: true },
      ],
    });
    const failing = httpCheck({
      id: "json-bad",
      url: `${server.url}/json`,
      json: [
        { path: "$.status", equals: "ok" },
        { path: "$.db.primary", exists: true },
      ],
    });

    const [ok, bad] = await runChecksOnce([passing, failing], noRetries);

    expect(ok?.status).toBe("up");
    expect(ok?.conditions.every((c) => c.passed)).toBe(true);
    expect(bad?.status).toBe("down");
    expect(bad?.message).toBe("$.db.primary is missing");
  });

  it("sends the configured method, headers and body", async () => {
    const check = httpCheck({
      url: `${server.url}/echo`,
      method: "POST",
      headers: { "x-token": "t0k" },
      body: "ping",
      json: [
        { path: "$.method", equals: "POST" },
        { path: "$.auth", equals: "t0k" },
        { path: "$.body", equals: "ping" },
      ],
    });

    const [result] = await runChecksOnce([check], noRetries);

    expect(result?.status).toBe("up");
  });

  it("reports degraded, not down, when the answer is slower than maxResponseTimeMs", async () => {
    const [result] = await runChecksOnce(
      [httpCheck({ url: `${server.url}/slow?ms=300`, maxResponseTimeMs: 20 })],
      noRetries,
    );

    expect(result?.status).toBe("degraded");
    expect(result?.message).toMatch(/^responded in \d+ ms \(limit 20 ms\)$/);
  });

  it("abandons a hung server at the timeout and closes the connection", async () => {
    hangClosed = new Promise((resolve) => {
      onHangClosed = resolve;
    });

    const [result] = await runChecksOnce(
      [httpCheck({ url: `${server.url}/hang`, timeoutMs: 200 })],
      noRetries,
    );

    expect(result).toMatchObject({ status: "down", message: "timed out after 200 ms", attempts: 1 });
    await hangClosed; // the client really let go of the socket
  });

  it("retries a failed attempt with backoff and reports how many attempts it took", async () => {
    flakyHits = 0;
    const defaults = checkDefaultsSchema.parse({ retries: 2, retryDelayMs: 10 });

    const [result] = await runChecksOnce([httpCheck({ url: `${server.url}/flaky` })], defaults);

    expect(result).toMatchObject({ status: "up", attempts: 2 });
    expect(flakyHits).toBe(2);
  });

  it("opens one circuit per target: failures of either check on a dead origin short-circuit both", async () => {
    // Takes requests and never answers: every attempt times out, and the server counts them. (It
    // counts requests, not sockets: undici opens a spare connection after an aborted request.)
    let requests = 0;
    const dead = await startHttpServer(() => {
      requests++;
    });
    const runner = new CheckRunner(
      checkDefaultsSchema.parse({ retries: 0, breaker: { failures: 2, halfOpenAfterMs: 60_000 } }),
    );
    const a = httpCheck({ id: "a", url: `http://127.0.0.1:${dead.port}/a`, timeoutMs: 100 });
    const b = httpCheck({ id: "b", url: `http://127.0.0.1:${dead.port}/b`, timeoutMs: 100 });

    // One failure each: two in a row on the target, so its breaker opens for both checks.
    const results = [await runner.run(a), await runner.run(b), await runner.run(a), await runner.run(b)];
    await runner.close();
    await dead.close();

    expect(results.map((r) => [r.checkId, r.status, r.message])).toEqual([
      ["a", "down", "timed out after 100 ms"],
      ["b", "down", "timed out after 100 ms"],
      ["a", "down", "circuit open: not probed after repeated failures"],
      ["b", "down", "circuit open: not probed after repeated failures"],
    ]);
    expect(results[3]).toMatchObject({ type: "http", attempts: 0, conditions: [] });
    expect(requests).toBe(2);
  });

  it("shares the open circuit of a refused origin across checks in a round", async () => {
    const port = await closedPort();
    let attempts = 0;
    const countingFetch: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const runner = new CheckRunner(
      checkDefaultsSchema.parse({ retries: 0, concurrency: 1, breaker: { failures: 2 } }),
      { fetch: countingFetch },
    );
    const checks = ["a", "b", "c", "d"].map((id) => httpCheck({ id, url: `http://127.0.0.1:${port}/${id}` }));

    const results = await runner.runAll(checks);
    await runner.close();

    expect(results.map((r) => r.message.split(":")[0])).toEqual([
      "request failed",
      "request failed",
      "circuit open",
      "circuit open",
    ]);
    expect(attempts).toBe(2);
  });

  it("keeps probing an origin that answers: a bad answer concerns one check, not the target", async () => {
    failHits = 0;
    const runner = new CheckRunner(
      checkDefaultsSchema.parse({ retries: 0, breaker: { failures: 2, halfOpenAfterMs: 60_000 } }),
    );
    const failing = httpCheck({ id: "api", url: `${server.url}/fail` });
    const healthy = httpCheck({ id: "web", url: `${server.url}/ok` });

    const results = [
      await runner.run(failing),
      await runner.run(failing),
      await runner.run(failing),
      await runner.run(healthy),
    ];
    await runner.close();

    expect(results.map((r) => [r.checkId, r.status, r.message])).toEqual([
      ["api", "down", "status 500, expected 2xx"],
      ["api", "down", "status 500, expected 2xx"],
      ["api", "down", "status 500, expected 2xx"],
      ["web", "up", "OK"],
    ]);
    expect(failHits).toBe(3);
  });

  it("never throws: a refused connection becomes a down result", async () => {
    const port = await closedPort();

    const [result] = await runChecksOnce([httpCheck({ url: `http://127.0.0.1:${port}/` })], noRetries);

    expect(result?.status).toBe("down");
    expect(result?.message).toContain("ECONNREFUSED");
  });

  it("keeps at most `concurrency` probes in flight across a round", async () => {
    maxInFlight = 0;
    const checks = Array.from({ length: 12 }, (_, i) =>
      httpCheck({ id: `c${i}`, url: `${server.url}/slow?ms=40` }),
    );

    const results = await runChecksOnce(checks, checkDefaultsSchema.parse({ retries: 0, concurrency: 3 }));

    expect(results.map((r) => r.checkId)).toEqual(checks.map((c) => c.id));
    expect(results.every((r) => r.status === "up")).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it("stops starting checks once the round is cancelled", async () => {
    const controller = new AbortController();
    const checks = Array.from({ length: 6 }, (_, i) =>
      httpCheck({ id: `c${i}`, url: `${server.url}/slow?ms=30` }),
    );
    const runner = new CheckRunner(checkDefaultsSchema.parse({ retries: 0, concurrency: 1 }));

    const pending = runner.runAll(checks, { signal: controller.signal });
    controller.abort();
    const results = await pending;
    await runner.close();

    expect(results.length).toBeLessThan(checks.length);
  });

  it("reports a check cut short by the round's cancel as cancelled, not down, and stores nothing for it", async () => {
    hangClosed = new Promise((resolve) => {
      onHangClosed = resolve;
    });
    const controller = new AbortController();
    onHangStarted = () => controller.abort();
    // One failure would open the breaker: a cancel must not count as one.
    const runner = new CheckRunner(
      checkDefaultsSchema.parse({ retries: 2, retryDelayMs: 10, concurrency: 1, breaker: { failures: 1 } }),
    );
    const checks = [
      httpCheck({ id: "first", url: `${server.url}/ok` }),
      httpCheck({ id: "hung", url: `${server.url}/hang`, timeoutMs: 5_000 }),
      httpCheck({ id: "queued", url: `${server.url}/ok` }),
    ];

    const started = performance.now();
    const round = await runner.runRound(checks, { signal: controller.signal });
    const elapsed = performance.now() - started;
    onHangStarted = () => {};
    await hangClosed; // the probe let go of its socket

    expect(elapsed).toBeLessThan(2_000);
    expect(round.results.map((r) => [r.checkId, r.status])).toEqual([["first", "up"]]);
    expect(round.cancelled).toEqual([
      expect.objectContaining({ checkId: "hung", type: "http", status: "cancelled", attempts: 1 }),
      expect.objectContaining({ checkId: "queued", status: "cancelled", attempts: 0, durationMs: 0 }),
    ]);
    expect(round.cancelled[0]?.startedAt).toEqual(expect.any(String));
    expect(round.cancelled[1]?.startedAt).toBeUndefined();

    // The target's breaker did not count the cancel: the origin is still probed.
    const after = await runner.run(httpCheck({ id: "again", url: `${server.url}/ok` }));
    await runner.close();
    expect(after).toMatchObject({ status: "up", attempts: 1 });
  });

  it("leaves cancelled checks out of runAll and reports them from run", async () => {
    const controller = new AbortController();
    onHangStarted = () => controller.abort();
    const runner = new CheckRunner(checkDefaultsSchema.parse({ retries: 0 }));
    const hung = httpCheck({ id: "hung", url: `${server.url}/hang`, timeoutMs: 5_000 });

    const viaRun = await runner.run(hung, { signal: controller.signal });
    const viaRunAll = await runner.runAll([hung], { signal: controller.signal });
    onHangStarted = () => {};
    await runner.close();

    expect(viaRun).toMatchObject({ checkId: "hung", status: "cancelled", attempts: 1 });
    expect(viaRunAll).toEqual([]);
  });

  it("still reports its own per-attempt timeout as down while a round signal is listening", async () => {
    const controller = new AbortController();
    const runner = new CheckRunner(checkDefaultsSchema.parse({ retries: 0 }));

    const round = await runner.runRound([httpCheck({ url: `${server.url}/hang`, timeoutMs: 100 })], {
      signal: controller.signal,
    });
    await runner.close();

    expect(round.cancelled).toEqual([]);
    expect(round.results).toMatchObject([{ status: "down", message: "timed out after 100 ms" }]);
  });
});
