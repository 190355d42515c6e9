import { spawn } from "node:child_process";
import type { IncomingHttpHeaders } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  SMOKE_TEST_SCRIPT,
  type SmokeTestSettings,
  smokeTestEnvironment,
} from "../../../infra/rules/smoke-test";
import { type LoopbackServer, startHttpServer } from "../../support/loopback";

/** Runs the script as `@pulumi/command` does (`/bin/sh -c`), with the environment the stack gives it. */
function runSmokeTest(
  url: string,
  settings: SmokeTestSettings,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", SMOKE_TEST_SCRIPT], {
      env: { PATH: process.env.PATH, ...smokeTestEnvironment(url, settings), ...extraEnv },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** How /healthz answers one request: its status, its body and how long it waits first. */
interface Answer {
  status: number;
  body?: string;
  delayMs?: number;
}

/** A dashboard whose /healthz gives the given answers in turn (the last one repeats). */
async function dashboardAnswering(
  answers: Answer[],
  seen: { path?: string; headers?: IncomingHttpHeaders }[] = [],
): Promise<string> {
  let call = 0;
  server = await startHttpServer((request, response) => {
    seen.push({ path: request.url, headers: request.headers });
    const answer = answers[Math.min(call++, answers.length - 1)] ?? { status: 500 };
    const body = answer.body ?? (answer.status === 200 ? '{"status":"ok"}' : '{"status":"starting"}');
    const reply = () => {
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(body);
    };
    if (answer.delayMs === undefined) reply();
    else setTimeout(reply, answer.delayMs).unref();
  });
  // Function URLs end with a slash; the script must not double it.
  return `${server.url}/`;
}

/** A dashboard whose /healthz answers with the given statuses in turn, with the app's bodies. */
const dashboard = (statuses: number[], seen: { path?: string; headers?: IncomingHttpHeaders }[] = []) =>
  dashboardAnswering(
    statuses.map((status) => ({ status })),
    seen,
  );

describe("the post-deploy smoke test", () => {
  it("passes when /healthz answers 200 with status ok", async () => {
    const seen: { path?: string }[] = [];
    const url = await dashboard([200], seen);

    const result = await runSmokeTest(url, { attempts: 3, intervalSeconds: 1, timeoutSeconds: 5 });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("is healthy (attempt 1)");
    expect(seen.map((request) => request.path)).toEqual(["/healthz"]);
  });

  it("retries until the dashboard becomes healthy", async () => {
    const url = await dashboard([503, 200]);

    const result = await runSmokeTest(url, { attempts: 3, intervalSeconds: 1, timeoutSeconds: 5 });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("(attempt 2)");
  });

  it("fails the update when the dashboard stays unhealthy, saying what it answered", async () => {
    const url = await dashboard([500]);

    const result = await runSmokeTest(url, { attempts: 2, intervalSeconds: 1, timeoutSeconds: 5 });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not healthy after 2 attempts: .*500/);
  });

  it("fails when /healthz answers 200 without status ok (another app on the URL, a broken build)", async () => {
    const url = await dashboardAnswering([{ status: 200, body: '{"status":"degraded"}' }]);

    const result = await runSmokeTest(url, { attempts: 2, intervalSeconds: 1, timeoutSeconds: 5 });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not healthy after 2 attempts: \{"status":"degraded"\}/);
  });

  it("counts an answer slower than the per-request timeout as a failed attempt", async () => {
    const url = await dashboardAnswering([{ status: 200, delayMs: 5_000 }]);
    const started = Date.now();

    const result = await runSmokeTest(url, { attempts: 2, intervalSeconds: 1, timeoutSeconds: 1 });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not healthy after 2 attempts: .*timed out/);
    // Two 1 s requests and one 1 s pause: the 5 s answers were never waited for.
    expect(Date.now() - started).toBeLessThan(4_500);
  });

  it("passes on a later attempt when only the first answer was too slow (a cold start)", async () => {
    const url = await dashboardAnswering([{ status: 200, delayMs: 5_000 }, { status: 200 }]);

    const result = await runSmokeTest(url, { attempts: 3, intervalSeconds: 1, timeoutSeconds: 1 });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("is healthy (attempt 2)");
  });

  it("gives the script its settings as environment variables, the timeout included", () => {
    expect(
      smokeTestEnvironment("https://x.lambda-url.eu-west-1.on.aws/", {
        attempts: 4,
        intervalSeconds: 2,
        timeoutSeconds: 7,
      }),
    ).toEqual({
      OPSDECK_SMOKE_URL: "https://x.lambda-url.eu-west-1.on.aws/",
      OPSDECK_SMOKE_ATTEMPTS: "4",
      OPSDECK_SMOKE_INTERVAL: "2",
      OPSDECK_SMOKE_TIMEOUT: "7",
    });
  });

  it("signs requests to an AWS_IAM Function URL with the caller's credentials, passing them to curl on stdin", async () => {
    const seen: { headers?: IncomingHttpHeaders }[] = [];
    const url = await dashboard([200], seen);

    const result = await runSmokeTest(
      url,
      { attempts: 1, intervalSeconds: 1, timeoutSeconds: 5, signingRegion: "eu-west-1" },
      {
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI",
        AWS_SESSION_TOKEN: "session-token",
      },
    );

    expect(result.code).toBe(0);
    expect(seen[0]?.headers?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request/,
    );
    expect(seen[0]?.headers?.["x-amz-security-token"]).toBe("session-token");
  });

  it("explains how to provide credentials when an AWS_IAM URL has none to sign with", async () => {
    const url = await dashboard([200]);

    const result = await runSmokeTest(url, {
      attempts: 1,
      intervalSeconds: 1,
      timeoutSeconds: 5,
      signingRegion: "eu-west-1",
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("aws configure export-credentials --format env");
  });
});
