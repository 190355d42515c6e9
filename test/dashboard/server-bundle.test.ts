import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildBundles } from "../../scripts/build";
import { useTempDirs } from "../support/temp-dir";

const tempDir = useTempDirs("opsdeck-server-bundle");
let outDir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  // Outside the repository, like the image: the bundle must not need node_modules.
  outDir = await mkdtemp(path.join(tmpdir(), "opsdeck-server-dist-"));
  await buildBundles(["server"], { outDir });
  return () => rm(outDir, { recursive: true, force: true });
});

afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

/** Starts the server bundle and resolves with the URL it prints once it listens. */
async function startServer(
  cwd: string,
  env: Record<string, string>,
): Promise<{ url: string; stderr: () => string }> {
  const proc = spawn(process.execPath, [path.join(outDir, "server/index.js")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  let stderr = "";
  proc.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let stdout = "";
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /opsdeck dashboard on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    proc.once("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { url, stderr: () => stderr };
}

describe("the built server bundle (the server image's command)", () => {
  it("answers /healthz and the status page, and stops cleanly on SIGTERM", async () => {
    const dir = await tempDir();
    const config = {
      storage: { type: "local", dir: path.join(dir, "data") },
      hosts: { name: "bundle-test" },
    };
    const server = await startServer(dir, { OPSDECK_CONFIG: JSON.stringify(config) });

    const health = await fetch(`${server.url}/healthz`);
    const status = await fetch(`${server.url}/`);

    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect(status.status).toBe(200);
    expect(await status.text()).toContain("<h1>opsdeck status</h1>");
    child?.kill("SIGTERM");
    const [code] = await once(child as ChildProcess, "exit");
    expect(code).toBe(0);
  });

  it("refuses to start on a bad PORT, naming the variable", async () => {
    const dir = await tempDir();
    const proc = spawn(process.execPath, [path.join(outDir, "server/index.js")], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", PORT: "http" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child = proc;
    let stderr = "";
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const [code] = await once(proc, "exit");

    expect(code).toBe(1);
    expect(stderr).toContain("PORT: expected a port number");
  });
});
