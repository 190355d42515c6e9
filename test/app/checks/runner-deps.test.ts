import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckRunner,
  checkDefaultsSchema,
  checkSchema,
  type DnsResolver,
  runChecksOnce,
} from "../../../app/checks";
import { type LoopbackServer, startHttpServer } from "../../support/loopback";

const noRetries = checkDefaultsSchema.parse({ retries: 0 });

/** A health endpoint and a Statuspage v2 document on loopback. */
let server: LoopbackServer;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === "/api/v2/status.json") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ status: { indicator: "none", description: "All Systems Operational" } }));
      return;
    }
    res.end("all good");
  });
});
afterAll(async () => {
  await server.close();
});

/** A fetch that notes each call and hands it to the real one. */
function recordingFetch() {
  const calls: { url: string; method: string | undefined; hasSignal: boolean }[] = [];
  const wrapped: typeof fetch = (input, init) => {
    calls.push({ url: String(input), method: init?.method, hasSignal: init?.signal instanceof AbortSignal });
    return fetch(input, init);
  };
  return { fetch: wrapped, calls };
}

/** A resolver double: answers from a table, notes what it was asked and whether it was cancelled. */
function fakeResolvers(answers: Record<string, unknown>) {
  const created: (string | undefined)[] = [];
  const asked: [string, string][] = [];
  let cancels = 0;
  const createResolver = (server?: string): DnsResolver => {
    created.push(server);
    return {
      resolve(hostname, rrtype) {
        asked.push([hostname, rrtype]);
        const answer = answers[`${rrtype} ${hostname}`];
        if (answer === "hang") return new Promise(() => {});
        if (answer === undefined)
          return Promise.reject(Object.assign(new Error("queryA ENOTFOUND"), { code: "ENOTFOUND" }));
        return Promise.resolve(answer);
      },
      cancel() {
        cancels++;
      },
    };
  };
  return { createResolver, created, asked, cancels: () => cancels };
}

describe("check runner dependencies", () => {
  it("sends http and statuspage requests through the injected fetch", async () => {
    const recorder = recordingFetch();
    const checks = [
      checkSchema.parse({ id: "web", type: "http", url: `${server.url}/health`, method: "HEAD" }),
      checkSchema.parse({ id: "vendor", type: "statuspage", url: `${server.url}/api/v2/status.json` }),
    ];

    const results = await runChecksOnce(checks, noRetries, { fetch: recorder.fetch });

    expect(results.map((r) => [r.checkId, r.status, r.statusCode])).toEqual([
      ["web", "up", 200],
      ["vendor", "up", 200],
    ]);
    expect(recorder.calls).toHaveLength(2);
    expect(recorder.calls).toEqual(
      expect.arrayContaining([
        { url: `${server.url}/health`, method: "HEAD", hasSignal: true },
        { url: `${server.url}/api/v2/status.json`, method: undefined, hasSignal: true },
      ]),
    );
  });

  it("takes a check's answer from the injected fetch, not from the network", async () => {
    // Nothing listens on this URL: only the injected fetch can answer.
    const cannedFetch: typeof fetch = async () => new Response("maintenance", { status: 503 });
    const runner = new CheckRunner(noRetries, { fetch: cannedFetch });

    const result = await runner.run(
      checkSchema.parse({ id: "web", type: "http", url: "http://unreachable.invalid/health" }),
    );
    await runner.close();

    expect(result).toMatchObject({ status: "down", statusCode: 503, message: "status 503, expected 2xx" });
  });

  it("stamps startedAt from the injected clock", async () => {
    const at = new Date("2031-05-06T07:08:09.010Z");
    const runner = new CheckRunner(noRetries, { now: () => at });
    const check = checkSchema.parse({ id: "web", type: "http", url: `${server.url}/health` });

    const single = await runner.run(check);
    const round = await runner.runAll([check, { ...check, id: "web-2" }]);
    await runner.close();

    expect(single).toMatchObject({ status: "up", startedAt: "2031-05-06T07:08:09.010Z" });
    expect(round.map((r) => r.startedAt)).toEqual(["2031-05-06T07:08:09.010Z", "2031-05-06T07:08:09.010Z"]);
  });

  it("asks the injected resolver for dns checks, created for the check's server", async () => {
    const dns = fakeResolvers({
      "A app.internal": ["10.9.9.9", "10.9.9.8"],
      "MX mail.internal": [{ priority: 10, exchange: "MX1.internal." }],
    });
    // Nothing answers DNS on this port: a real resolver could not get these answers.
    const server = "127.0.0.1:9";
    const checks = [
      checkSchema.parse({ id: "a", type: "dns", server, hostname: "app.internal", expect: ["10.9.9.8"] }),
      checkSchema.parse({ id: "mx", type: "dns", server, hostname: "mail.internal", recordType: "MX" }),
      checkSchema.parse({ id: "gone", type: "dns", hostname: "gone.internal" }),
    ];

    const results = await runChecksOnce(checks, checkDefaultsSchema.parse({ retries: 0, concurrency: 1 }), {
      createResolver: dns.createResolver,
    });

    expect(results.map((r) => [r.checkId, r.status, r.answers ?? r.message])).toEqual([
      ["a", "up", ["10.9.9.9", "10.9.9.8"]],
      ["mx", "up", ["10 mx1.internal"]],
      ["gone", "down", "cannot resolve A gone.internal: ENOTFOUND"],
    ]);
    expect(dns.created).toEqual([server, server, undefined]);
    expect(dns.asked).toEqual([
      ["app.internal", "A"],
      ["mail.internal", "MX"],
      ["gone.internal", "A"],
    ]);
  });

  it("cancels the injected resolver's query when the attempt times out", async () => {
    const dns = fakeResolvers({ "A slow.internal": "hang" });
    const runner = new CheckRunner(noRetries, { createResolver: dns.createResolver });

    const result = await runner.run(
      checkSchema.parse({ id: "slow", type: "dns", hostname: "slow.internal", timeoutMs: 100 }),
    );
    await runner.close();

    expect(result).toMatchObject({ status: "down", message: "timed out after 100 ms", attempts: 1 });
    expect(dns.cancels()).toBe(1);
  });
});
