import { describe, expect, it } from "vitest";
import { createLambdaHandler } from "../../lambda/runtime";
import fleetWithToken from "../fixtures/lambda/function-url-fleet-bearer.json";
import statusPage from "../fixtures/lambda/function-url-status-page.json";
import { captureLogger } from "../support/capture-log";
import { useTempDirs } from "../support/temp-dir";

const TOKEN = "lambda-operator-token";
const tempDir = useTempDirs("opsdeck-lambda-rate-limit");

interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A handler like the deployed one (config from the environment), on a clock the test moves. */
async function handlerWith(rateLimit: Record<string, unknown>) {
  const clock = { t: Date.parse("2026-11-21T10:00:00.000Z") };
  const config = {
    storage: { type: "local", dir: await tempDir() },
    checks: [{ id: "shop", name: "Shop", type: "http", url: "http://127.0.0.1:9/" }],
    dashboard: { rateLimit },
  };
  const handler = createLambdaHandler({
    env: { OPSDECK_CONFIG: JSON.stringify(config), OPSDECK_DASHBOARD_TOKEN: TOKEN },
    logger: captureLogger().logger,
    now: () => new Date(clock.t),
  });
  const invoke = async (event: unknown) => (await handler(event)) as HttpAnswer;
  return { invoke, clock };
}

/** The Function URL fixture as sent from `sourceIp`, optionally with other headers. */
function from(fixture: typeof statusPage | typeof fleetWithToken, sourceIp: string, headers = {}) {
  return {
    ...fixture,
    headers: { ...fixture.headers, "x-forwarded-for": sourceIp, ...headers },
    requestContext: { ...fixture.requestContext, http: { ...fixture.requestContext.http, sourceIp } },
  };
}

async function statuses(n: number, invoke: (event: unknown) => Promise<HttpAnswer>, event: unknown) {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) seen.push((await invoke(event)).statusCode);
  return seen;
}

describe("rate limits on Lambda (Function URL events)", () => {
  it("answers 429 with Retry-After to a source address past its budget, others unaffected", async () => {
    const { invoke } = await handlerWith({ requests: { limit: 2, windowSeconds: 60 } });

    const served = await statuses(2, invoke, from(statusPage, "203.0.113.7"));
    const refused = await invoke(from(statusPage, "203.0.113.7"));
    const other = await invoke(from(statusPage, "198.51.100.20"));

    expect(served).toEqual([200, 200]);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after"]).toBe("30");
    expect(refused.body).toBe("too many requests: slow down and retry later");
    expect(other.statusCode).toBe(200);
  });

  it("keys on requestContext.http.sourceIp, not on a forwarded header the client wrote", async () => {
    const { invoke } = await handlerWith({ requests: { limit: 1, windowSeconds: 60 } });
    await invoke(from(statusPage, "203.0.113.7"));

    const forged = await invoke(from(statusPage, "203.0.113.7", { "x-forwarded-for": "192.0.2.99" }));

    expect(forged.statusCode).toBe(429);
  });

  it("counts IPv6 source addresses per /64, the block one client can hop around in", async () => {
    const { invoke } = await handlerWith({ requests: { limit: 1, windowSeconds: 60 } });
    await invoke(from(statusPage, "2001:db8:a:b::1"));

    const sameBlock = await invoke(from(statusPage, "2001:db8:a:b:dead:beef:0:2"));
    const otherBlock = await invoke(from(statusPage, "2001:db8:a:c::1"));

    expect(sameBlock.statusCode).toBe(429);
    expect(otherBlock.statusCode).toBe(200);
  });

  it("serves the address again once the window has passed", async () => {
    const { invoke, clock } = await handlerWith({ requests: { limit: 1, windowSeconds: 60 } });
    await invoke(from(statusPage, "203.0.113.7"));
    expect((await invoke(from(statusPage, "203.0.113.7"))).statusCode).toBe(429);

    clock.t += 60_000;

    expect((await invoke(from(statusPage, "203.0.113.7"))).statusCode).toBe(200);
  });

  it("locks out an address after failed sign-ins, without spending the budget on good ones", async () => {
    const { invoke, clock } = await handlerWith({ failedSignIns: { limit: 2, windowSeconds: 600 } });
    const wrong = from(fleetWithToken, "203.0.113.7", { authorization: "Bearer guessed-token" });
    const right = from(fleetWithToken, "203.0.113.7");

    const signIns = await statuses(5, invoke, right);
    const guesses = await statuses(2, invoke, wrong);
    const locked = await invoke(right);
    const elsewhere = await invoke(from(fleetWithToken, "198.51.100.20"));
    clock.t += 600_000;
    const later = await invoke(right);

    expect(signIns).toEqual([200, 200, 200, 200, 200]);
    expect(guesses).toEqual([401, 401]);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["retry-after"]).toBe("300");
    expect(JSON.parse(locked.body)).toEqual({
      error: { status: 429, message: "too many failed sign-ins from this address: retry later" },
    });
    expect(elsewhere.statusCode).toBe(200);
    expect(later.statusCode).toBe(200);
  });
});
