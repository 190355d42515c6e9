/**
 * Checks benchmark (`npm run bench:checks`; part of `npm run bench`): N HTTP checks against a
 * local service where 30% of paths sleep 0–200 ms and 5% answer 500 — a plain sequential fetch
 * loop vs opsdeck's runner at concurrency C vs the ideal (the makespan of the planned delays on C
 * slots with zero client overhead).
 *
 *   npm run bench:checks                              # 1000 checks, concurrency 50
 *   npm run bench:checks -- --checks 200 --json
 */
import { fork } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { type CheckConfig, CheckRunner, checkDefaultsSchema, checkSchema } from "../app/checks";
import { listSchedule, planAnswers } from "./checks-plan";
import { numberFlags, printSuite, runMain } from "./lib/cli";
import { type SuiteReport, target } from "./lib/report";
import { fixed, median } from "./lib/stats";

export const CHECKS_TARGETS = { ratioToIdeal: 1.25 } as const;

export interface ChecksBenchOptions {
  checks: number;
  concurrency: number;
  seed: number;
  /** Concurrent runs to take the median of. */
  runs: number;
  /** Checks the sequential loop goes through (the first ones of the plan); 0 skips it. */
  sequentialChecks: number;
  log?: (line: string) => void;
}

export function checksDefaults(quick: boolean): ChecksBenchOptions {
  return {
    checks: 1000,
    concurrency: 50,
    seed: 42,
    runs: quick ? 3 : 5,
    sequentialChecks: quick ? 100 : 1000,
  };
}

/** The target service in its own process (bench/checks-server.ts). */
async function startService(count: number, seed: number): Promise<{ base: string; stop: () => void }> {
  // fork keeps this process's exec arguments, so the server loads through tsx like this one.
  const child = fork(path.join(__dirname, "checks-server.ts"), [String(count), String(seed)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { port: number }) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`checks service exited with ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

export async function runChecksBench(options: ChecksBenchOptions): Promise<SuiteReport> {
  const { checks: n, concurrency: c } = options;
  const plan = planAnswers(n, options.seed);
  const service = await startService(n, options.seed);
  try {
    const checks: CheckConfig[] = plan.map((_, i) =>
      checkSchema.parse({ id: `c${i}`, type: "http", url: `${service.base}/p/${i}`, timeoutMs: 10_000 }),
    );
    // Warm the connection pool and the JIT so neither measurement pays for them.
    await Promise.all(
      Array.from({ length: c }, () => fetch(`${service.base}/warm`).then((r) => r.arrayBuffer())),
    );

    let sequentialMs: number | null = null;
    const sampled = Math.min(options.sequentialChecks, n);
    if (sampled > 0) {
      const started = performance.now();
      for (const check of checks.slice(0, sampled)) {
        if (check.type !== "http") continue;
        await (await fetch(check.url)).text();
      }
      sequentialMs = performance.now() - started;
      options.log?.(`checks: sequential loop over ${sampled} checks: ${(sequentialMs / 1000).toFixed(2)} s`);
    }

    // A fresh runner per run: breakers and caches must not carry over between measurements.
    const timings: number[] = [];
    let down = 0;
    for (let run = 1; run <= Math.max(1, options.runs); run++) {
      const runner = new CheckRunner(checkDefaultsSchema.parse({ retries: 0, concurrency: c }));
      const started = performance.now();
      const results = await runner.runAll(checks);
      timings.push(performance.now() - started);
      await runner.close();
      down = results.filter((r) => r.status === "down").length;
      options.log?.(
        `checks: opsdeck run ${run}/${options.runs}: ${((timings.at(-1) ?? 0) / 1000).toFixed(2)} s`,
      );
    }
    const failing = plan.filter((p) => p.fail).length;
    if (down !== failing)
      throw new Error(`opsdeck reported ${down} checks down; the service failed ${failing}`);
    const concurrentMs = median(timings);
    const idealMs = listSchedule(
      plan.map((p) => p.delayMs),
      c,
    );
    const ratio = concurrentMs / idealMs;
    const sequentialRow =
      sequentialMs === null
        ? []
        : [
            [
              sampled === n ? "sequential fetch loop" : `sequential fetch loop (first ${sampled} checks)`,
              fixed(sequentialMs / 1000, 2),
              `${fixed(sequentialMs / concurrentMs / (sampled / n), 1)}× opsdeck's time${sampled === n ? "" : ` (scaled to ${n} checks)`}`,
            ],
          ];
    return {
      id: "checks",
      title: `${n} HTTP checks at concurrency ${c}`,
      input: `A local service in its own process (seed ${options.seed}): ${plan.filter((p) => p.delayMs > 0).length} of ${n} paths sleep 0–200 ms, ${failing} answer 500. opsdeck: \`CheckRunner.runAll\` (p-limit, cockatiel timeout/retry/breaker, full result evaluation), retries 0, a fresh runner per run, median of ${options.runs} runs.`,
      commands: [`npm run bench:checks -- --checks ${n} --concurrency ${c} --seed ${options.seed}`],
      tables: [
        {
          columns: ["run", "seconds", "vs"],
          numeric: [1],
          rows: [
            ...sequentialRow,
            [
              `opsdeck, concurrency ${c}`,
              fixed(concurrentMs / 1000, 2),
              `runs: ${timings.map((t) => fixed(t / 1000, 2)).join(", ")} s`,
            ],
            [`ideal at concurrency ${c}`, fixed(idealMs / 1000, 2), `opsdeck = ${fixed(ratio, 2)} × ideal`],
          ],
        },
      ],
      targets: [
        target(
          `${n} checks, concurrency ${c}`,
          `≤ ${CHECKS_TARGETS.ratioToIdeal} × ideal`,
          `${fixed(ratio, 2)} × (${fixed(concurrentMs / 1000, 2)} s vs ${fixed(idealMs / 1000, 2)} s)`,
          ratio <= CHECKS_TARGETS.ratioToIdeal,
        ),
      ],
      skipped: [],
      notes: [],
      data: { checks: n, concurrency: c, sequentialMs, sequentialChecks: sampled, timings, idealMs, ratio },
    };
  } finally {
    service.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      checks: { type: "string" },
      concurrency: { type: "string" },
      seed: { type: "string" },
      runs: { type: "string" },
      "sequential-checks": { type: "string" },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const defaults = checksDefaults(values.quick);
  const flags = numberFlags(values, {
    checks: "positive",
    concurrency: "positive",
    seed: "any",
    runs: "positive",
    "sequential-checks": "positive",
  });
  const checks = flags.checks ?? defaults.checks;
  const report = await runChecksBench({
    ...defaults,
    checks,
    sequentialChecks: flags["sequential-checks"] ?? Math.min(checks, defaults.sequentialChecks),
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.runs ? { runs: flags.runs } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printSuite(report, values.json);
}

if (require.main === module) runMain(main);
