/**
 * Benchmark: N HTTP checks against a local server where 30% of paths sleep 0–200 ms and 5% answer
 * 500 — a plain sequential fetch loop vs opsdeck's runner at concurrency C vs the ideal.
 *
 *   npm run bench:checks                          # 1000 checks, concurrency 50
 *   npm run bench:checks -- --checks 200 --json   # smaller, machine-readable
 *
 * The server runs in its own process, as a real target would, so its work is not billed to the runner.
 * The ideal is the makespan of the planned server delays scheduled in order on C slots with zero
 * client overhead (what a perfect runner achieves); target: opsdeck ≤ 1.25 × ideal.
 */
import { fork } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { type CheckConfig, CheckRunner, checkDefaultsSchema, checkSchema } from "../app/checks";

const { values: args } = parseArgs({
  options: {
    checks: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "50" },
    seed: { type: "string", default: "42" },
    /** Concurrent runs to take the median of. */
    runs: { type: "string", default: "3" },
    "skip-sequential": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    /** Internal: run as the server process. */
    serve: { type: "boolean", default: false },
  },
});
const N = Number(args.checks);
const C = Number(args.concurrency);

/** mulberry32: a small seeded PRNG, so every run plans the same delays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(Number(args.seed));
const plan = Array.from({ length: N }, () => ({
  delayMs: random() < 0.3 ? Math.round(random() * 200) : 0,
  fail: random() < 0.05,
}));

/** Makespan of jobs taken in order by the first free of `slots` workers. */
function listSchedule(durations: number[], slots: number): number {
  const free = new Array<number>(Math.min(slots, Math.max(durations.length, 1))).fill(0);
  for (const d of durations) {
    let i = 0;
    for (let j = 1; j < free.length; j++) if ((free[j] ?? 0) < (free[i] ?? 0)) i = j;
    free[i] = (free[i] ?? 0) + d;
  }
  return Math.max(...free);
}

/** The target service: answers /p/<i> after the planned delay, with 500 where planned. */
async function serve(): Promise<void> {
  const server = http.createServer((req, res) => {
    const i = Number((req.url ?? "").split("/")[2]);
    const step = plan[i] ?? { delayMs: 0, fail: false };
    const answer = () => {
      res.statusCode = step.fail ? 500 : 200;
      res.end(step.fail ? "error" : "ok");
    };
    if (step.delayMs > 0) setTimeout(answer, step.delayMs);
    else answer();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send?.({ port: (server.address() as AddressInfo).port });
  process.on("disconnect", () => process.exit(0));
}

async function startServerProcess(): Promise<{ base: string; stop: () => void }> {
  const child = fork(__filename, [...process.argv.slice(2), "--serve"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { port: number }) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function main(): Promise<void> {
  const { base, stop } = await startServerProcess();
  const checks: CheckConfig[] = plan.map((_, i) =>
    checkSchema.parse({ id: `c${i}`, type: "http", url: `${base}/p/${i}`, timeoutMs: 10_000 }),
  );

  // Warm up the connection pool and the JIT so neither measurement pays for them.
  await Promise.all(Array.from({ length: C }, () => fetch(`${base}/warm`).then((r) => r.arrayBuffer())));

  let sequentialMs: number | undefined;
  if (!args["skip-sequential"]) {
    const t = performance.now();
    for (const check of checks) {
      if (check.type !== "http") continue;
      const response = await fetch(check.url);
      await response.text();
    }
    sequentialMs = performance.now() - t;
  }

  // A fresh runner per run: breakers and caches must not carry over between measurements.
  const timings: number[] = [];
  let results: Awaited<ReturnType<CheckRunner["runAll"]>> = [];
  for (let run = 0; run < Math.max(1, Number(args.runs)); run++) {
    const runner = new CheckRunner(checkDefaultsSchema.parse({ retries: 0, concurrency: C }));
    const t = performance.now();
    results = await runner.runAll(checks);
    timings.push(performance.now() - t);
    await runner.close();
  }
  stop();
  const sorted = [...timings].sort((a, b) => a - b);
  const concurrentMs = sorted[Math.floor(sorted.length / 2)] ?? 0;

  const idealMs = listSchedule(
    plan.map((p) => p.delayMs),
    C,
  );
  const down = results.filter((r) => r.status === "down").length;
  const report = {
    checks: N,
    concurrency: C,
    delayedPaths: plan.filter((p) => p.delayMs > 0).length,
    failingPaths: plan.filter((p) => p.fail).length,
    resultsDown: down,
    sequentialMs: sequentialMs === undefined ? null : Math.round(sequentialMs),
    concurrentMs: Math.round(concurrentMs),
    concurrentRunsMs: timings.map(Math.round),
    idealMs: Math.round(idealMs),
    ratioToIdeal: Math.round((concurrentMs / idealMs) * 100) / 100,
    target: 1.25,
    node: process.version,
  };
  if (args.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(
    `${N} HTTP checks, ${report.delayedPaths} delayed 0–200 ms, ${report.failingPaths} answering 500`,
  );
  if (sequentialMs !== undefined)
    console.log(`  sequential fetch loop     ${(sequentialMs / 1000).toFixed(2)} s`);
  console.log(
    `  opsdeck, concurrency ${C}  ${(concurrentMs / 1000).toFixed(2)} s (median of ${timings.length}: ${timings.map((t) => (t / 1000).toFixed(2)).join(", ")})`,
  );
  console.log(`  ideal at concurrency ${C}  ${(idealMs / 1000).toFixed(2)} s`);
  console.log(`  ratio to ideal            ${report.ratioToIdeal} (target ≤ ${report.target})`);
  if (down !== report.failingPaths)
    console.log(`  WARNING: ${down} down results, expected ${report.failingPaths}`);
}

(args.serve ? serve() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
