import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { buildBundles } from "../../../scripts/build";

/** Builds the `opsdeck` bundle (scripts/build.ts, as `npm run build` does) into `outDir`; returns its entry. */
export async function buildCli(outDir: string): Promise<string> {
  await buildBundles(["cli"], { outDir });
  return path.join(outDir, "cli", "opsdeck.mjs");
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> <args>` and collects its output; `started` exposes the child for signals. */
export function runNode(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; started?: (child: ChildProcess) => void } = {},
): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd ?? process.cwd(),
      // A clean environment: only what the test gives, plus PATH for pigz/zstd lookups.
      env: { PATH: process.env.PATH ?? "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.started?.(child);
  });
}
