/**
 * CLI and agent benchmark (`npm run bench:cli -- --runs 10 --lines 2000000`).
 *
 * 1. Start-up: wall time of `opsdeck --version` as separate processes — the esbuild bundle (built
 *    into a temp dir, as `npm run build -- cli` does), and `bin/opsdeck` running the TypeScript
 *    sources through tsx (what a checkout gets while its bundle is stale). Median and max of N runs.
 * 2. Agent log window: lines per second through `RollingLogWindow.push` (the per-line cost of the
 *    agent's log follow: parse, classify, count), on a generated syslog file, with heap growth.
 *
 * Flags: --runs N (default 10)  --lines N (default 1000000)  --json <out>
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { RollingLogWindow } from "../app/agent";
import { buildBundles } from "../scripts/build";
import { generateSyslogFile } from "../test/support/log-generator";

const root = path.resolve(__dirname, "..");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function startUp(name: string, command: string, args: string[], env: Record<string, string>, runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: "utf8" });
    times.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
  }
  return { name, runs, medianMs: Math.round(median(times)), maxMs: Math.round(Math.max(...times)) };
}

async function logWindow(lines: number) {
  const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-cli-"));
  try {
    const file = path.join(dir, "syslog");
    // ~110 bytes per generated line.
    const stats = generateSyslogFile(file, { bytes: lines * 110, burstMinutes: [3, 4] });
    const text = (await readFile(file, "utf8")).split("\n").filter(Boolean);
    const window = new RollingLogWindow(60 * 60_000);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (const line of text) window.push(file, "syslog", line);
    const counts = window.counts(10);
    const seconds = (performance.now() - started) / 1000;
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    return {
      lines: text.length,
      bytes: stats.bytes,
      seconds: Number(seconds.toFixed(2)),
      linesPerSecond: Math.round(text.length / seconds),
      mbPerSecond: Number((stats.bytes / 1024 ** 2 / seconds).toFixed(1)),
      heapGrowthMiB: Number(((heapAfter - heapBefore) / 1024 ** 2).toFixed(1)),
      errorsCounted: counts.errors,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "10" },
      lines: { type: "string", default: "1000000" },
      json: { type: "string" },
    },
  });
  const runs = Number(values.runs);
  const lines = Number(values.lines);
  if (!(runs > 0) || !(lines > 0)) throw new Error("--runs and --lines take positive numbers");

  const buildDir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-cli-build-"));
  try {
    await buildBundles(["cli"], { outDir: buildDir });
    const bundle = path.join(buildDir, "cli", "opsdeck.mjs");
    const startups = [
      startUp("bundle: node opsdeck.mjs --version", process.execPath, [bundle, "--version"], {}, runs),
      startUp(
        "sources: bin/opsdeck --version (tsx)",
        process.execPath,
        [path.join(root, "bin/opsdeck"), "--version"],
        { OPSDECK_CLI_FROM: "source" },
        runs,
      ),
    ];
    const window = await logWindow(lines);
    const result = { node: process.version, startups, logWindow: window };
    console.log("START-UP");
    for (const s of startups)
      console.log(`  ${s.name}: median ${s.medianMs} ms, max ${s.maxMs} ms (${s.runs} runs)`);
    console.log("AGENT LOG WINDOW");
    console.log(
      `  ${window.lines} lines (${(window.bytes / 1024 ** 2).toFixed(0)} MiB) in ${window.seconds} s: ` +
        `${window.linesPerSecond} lines/s, ${window.mbPerSecond} MB/s, heap +${window.heapGrowthMiB} MiB`,
    );
    if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:cli failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
