/**
 * Benchmark: the cached status page (`/`) and `/api/status` against a plain node:http server that
 * answers every request with a cached body of the same size, with wrk at 10 and 50 connections.
 *
 *   npm run bench:dashboard                                 # 10 s × 3 rounds per cell, 10 checks
 *   npm run bench:dashboard -- --duration 3 --rounds 1 --json   # quick, machine-readable
 *   npm run bench:dashboard -- --checks 1                   # small pages: framework overhead shows most
 *
 * Targets (issue 5): both routes ≥ 70% of plain node:http req/s, p99 ≤ 10 ms at 50 connections.
 * Every server runs in its own process, as in production; wrk shares the machine with it, so the
 * absolute figures depend on the cores left to each — compare the ratios.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";
import { parseAppConfig } from "../app/config/load";
import { LocalStore } from "../app/storage/local-store";
import { benchChecks, seedBenchState } from "./dashboard-seed";

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "10,50" },
    threads: { type: "string", default: "2" },
    checks: { type: "string", default: "10" },
    /** Alternating plain/dashboard runs per cell; the median is reported, which tames a noisy machine. */
    rounds: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = String(args.connections).split(",").map(Number);

interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** wrk prints latencies as `812.00us`, `1.23ms`, `1.01s`. */
function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!match) throw new Error(`cannot read wrk latency "${value}"`);
  const n = Number(match[1]);
  return match[2] === "us" ? n / 1_000 : match[2] === "ms" ? n : match[2] === "s" ? n * 1_000 : n * 60_000;
}

export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output)?.[1];
  const p50 = /^\s+50%\s+(\S+)/m.exec(output)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(output)?.[1];
  if (!rps || !p50 || !p99) throw new Error(`unexpected wrk output:\n${output}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1];
  const errors =
    (socketErrors ? socketErrors.slice(1).reduce((s, n) => s + Number(n), 0) : 0) + Number(non2xx ?? 0);
  return { requestsPerSecond: Number(rps), p50Ms: toMs(p50), p99Ms: toMs(p99), errors };
}

async function wrk(url: string, connections: number, seconds: number): Promise<WrkResult> {
  const { stdout } = await run(
    "wrk",
    [
      `-t${Math.min(Number(args.threads), connections)}`,
      `-c${connections}`,
      `-d${seconds}s`,
      "--latency",
      url,
    ],
    { maxBuffer: 1 << 20 },
  );
  return parseWrk(stdout);
}

/** Starts a server process (bench/dashboard-server.ts) and resolves with its URL. */
async function startServer(serverArgs: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "dashboard-server.ts"), ...serverArgs],
    {
      cwd: path.resolve(__dirname, ".."), // where `--import tsx` resolves
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, OPSDECK_LOG_LEVEL: "warn" },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    proc.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { url, proc };
}

interface Row {
  target: string;
  connections: number;
  bytes: number;
  /** The run with the median req/s of the rounds. */
  result: WrkResult;
  /** req/s of every round, for the spread. */
  rounds: number[];
  ratio?: number;
}

function median(results: WrkResult[]): WrkResult {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)] as WrkResult;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-dashboard-"));
  const procs: ChildProcess[] = [];
  try {
    const checks = parseAppConfig({ checks: benchChecks(Number(args.checks)) }, "bench").checks;
    await seedBenchState(new LocalStore(dir), checks, new Date());
    const dashboard = await startServer(["--store", dir, "--checks", String(args.checks)]);
    procs.push(dashboard.proc);
    const sizes: Record<string, number> = {};
    for (const route of ["/", "/api/status"]) {
      const res = await fetch(`${dashboard.url}${route}`);
      if (res.status !== 200) throw new Error(`${route} answered ${res.status}`);
      sizes[route] = (await res.arrayBuffer()).byteLength;
    }

    const rows: Row[] = [];
    for (const route of ["/", "/api/status"]) {
      const bytes = sizes[route] as number;
      const plain = await startServer(["--plain", "--bytes", String(bytes)]);
      procs.push(plain.proc);
      for (const connections of CONNECTIONS) {
        const targets = [
          [`plain node:http (${route} size)`, `${plain.url}/`],
          [`dashboard ${route}`, `${dashboard.url}${route}`],
        ] as const;
        const results: WrkResult[][] = [[], []];
        for (const [, url] of targets) await wrk(url, connections, 1); // warm-up: JIT, sockets
        // Alternate the two servers, so drift in the machine's load hits both alike.
        for (let round = 0; round < Number(args.rounds); round++) {
          for (const [i, [, url]] of targets.entries())
            results[i]?.push(await wrk(url, connections, DURATION));
        }
        targets.forEach(([target], i) => {
          const runs = results[i] ?? [];
          rows.push({
            target,
            connections,
            bytes,
            result: median(runs),
            rounds: runs.map((r) => r.requestsPerSecond),
          });
        });
        const [base, ours] = rows.slice(-2) as [Row, Row];
        ours.ratio = ours.result.requestsPerSecond / base.result.requestsPerSecond;
      }
      plain.proc.kill();
    }

    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({ durationSeconds: DURATION, checks: Number(args.checks), rows }, null, 2)}\n`,
      );
      return;
    }
    console.log(
      `wrk ${DURATION}s per run, ${args.threads} threads, median of ${args.rounds} alternating rounds; ${args.checks} checks; body sizes: / ${sizes["/"]} B, /api/status ${sizes["/api/status"]} B`,
    );
    console.log("| target | conns | req/s (median) | p50 | p99 | vs plain | errors | req/s of each round |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---|");
    for (const r of rows) {
      console.log(
        `| ${r.target} | ${r.connections} | ${Math.round(r.result.requestsPerSecond)} | ${r.result.p50Ms.toFixed(2)} ms | ${r.result.p99Ms.toFixed(2)} ms | ${r.ratio === undefined ? "" : `${Math.round(r.ratio * 100)}%`} | ${r.result.errors} | ${r.rounds.map(Math.round).join(", ")} |`,
      );
    }
    const at50 = rows.filter((r) => r.connections === 50 && r.ratio !== undefined);
    for (const r of at50) {
      const ok = (r.ratio ?? 0) >= 0.7 && r.result.p99Ms <= 10;
      console.log(
        `${r.target} at 50 connections: ${Math.round((r.ratio ?? 0) * 100)}% of plain, p99 ${r.result.p99Ms.toFixed(2)} ms — target ≥ 70%, p99 ≤ 10 ms: ${ok ? "met" : "NOT met"}`,
      );
    }
  } finally {
    for (const proc of procs) proc.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
