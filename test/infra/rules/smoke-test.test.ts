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

/** A dashboard whose /healthz answers with the given statuses in turn (the last one repeats). */
async function dashboard(statuses: number[], seen: { path?: string; headers?: IncomingHttpHeaders }[] = []) {
  let call = 0;
  server = await startHttpServer((request, response) => {
    seen.push({ path: request.url, headers: request.headers });
    const status = statuses[Math.min(call++, statuses.length - 1)] ?? 500;
    response.writeHead(status, { "content-type": "application/json" });
    response.end(status === 200 ? '{"status":"ok"}' : '{"status":"starting"}');
  });
  // Function URLs end with a slash; the script must not double it.
  return `${server.url}/`;
}

describe("the post-deploy smoke test", () => {
  it("passes when /healthz answers 200 with status ok", async () => {
    const seen: { path?: string }[] = [];
    const url = await dashboard([200], seen);

    const result = await runSmokeTest(url, { attempts: 3, intervalSeconds: 1 });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("is healthy (attempt 1)");
    expect(seen.map((request) => request.path)).toEqual(["/healthz"]);
  });

  it("retries until the dashboard becomes healthy", async () => {
    const url = await dashboard([503, 200]);

    const result = await runSmokeTest(url, { attempts: 3, intervalSeconds: 1 });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("(attempt 2)");
  });

  it("fails the update when the dashboard stays unhealthy, saying what it answered", async () => {
    const url = await dashboard([500]);

    const result = await runSmokeTest(url, { attempts: 2, intervalSeconds: 1 });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not healthy after 2 attempts: .*500/);
  });

  it("signs requests to an AWS_IAM Function URL with the caller's credentials, passing them to curl on stdin", async () => {
    const seen: { headers?: IncomingHttpHeaders }[] = [];
    const url = await dashboard([200], seen);

    const result = await runSmokeTest(
      url,
      { attempts: 1, intervalSeconds: 1, signingRegion: "eu-west-1" },
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

    const result = await runSmokeTest(url, { attempts: 1, intervalSeconds: 1, signingRegion: "eu-west-1" });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("aws configure export-credentials --format env");
  });
});
