import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const REPO_ROOT = path.join(__dirname, "../..");

/** A port nothing listens on right now (the kernel's pick, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

interface StatusJson {
  overall: string;
  checks: { id: string; status: string }[];
}

async function statusOnceChecked(url: string, deadline: number): Promise<StatusJson> {
  for (;;) {
    try {
      const body = (await (await fetch(url)).json()) as StatusJson;
      if (body.checks.length > 0 && body.checks.every((c) => c.status !== "unknown")) return body;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} reported no checks round in time`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("npm start with the example config", () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("checks itself on the port PORT names, so a dashboard on 4000-something reports every system up", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "opsdeck-port-"));
    const port = await freePort();
    // The same command `npm start` runs, from a scratch directory so the store lands there.
    child = spawn(process.execPath, [require.resolve("tsx/cli"), path.join(REPO_ROOT, "dashboard/main.ts")], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        OPSDECK_CONFIG_FILE: path.join(REPO_ROOT, "examples/opsdeck.yaml"),
        OPSDECK_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const status = await statusOnceChecked(`http://127.0.0.1:${port}/api/status`, Date.now() + 40_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${stderr}`);
      },
    );

    // A visitor without the token sees the public checks (the status API check is operator-only).
    expect(status.checks.map((c) => [c.id, c.status])).toEqual([
      ["dashboard", "up"],
      ["dashboard-port", "up"],
    ]);
    expect(status.overall).toBe("up");
  }, 60_000);
});
