/**
 * How long `npm run plan` takes for a stack, end to end as a user runs it: a fresh Node process (tsx,
 * module loading, the program under the mock runtime, policies, plan.json). The target is under 5 s
 * for the dev stack.
 *
 *   npm run bench:plan [-- --stack dev --runs 10]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { Command } from "commander";

const root = path.resolve(__dirname, "..");
const options = new Command("bench:plan")
  .option("--stack <name>", "stack to plan", "dev")
  .option("--runs <n>", "fresh processes to time", (value) => Number.parseInt(value, 10), 10)
  .parse(process.argv)
  .opts<{ stack: string; runs: number }>();

const out = mkdtempSync(path.join(tmpdir(), "opsdeck-bench-plan-"));
const timings: number[] = [];
try {
  for (let run = 0; run < options.runs; run++) {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "scripts/plan.ts", "--stack", options.stack, "--out", path.join(out, "plan.json")],
      { cwd: root, encoding: "utf8" },
    );
    const elapsed = performance.now() - started;
    if (result.status !== 0) throw new Error(`plan failed (exit ${result.status}): ${result.stderr}`);
    timings.push(elapsed);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

const sorted = [...timings].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`npm run plan -- --stack ${options.stack}: ${options.runs} fresh processes`);
console.log(
  `  min ${seconds(sorted[0] ?? Number.NaN)}  median ${seconds(at(0.5))}  max ${seconds(sorted.at(-1) ?? Number.NaN)}`,
);
console.log(`  target < 5 s: ${at(0.5) < 5000 ? "met" : "NOT met"} (median)`);
console.log(
  `  machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, node ${process.version}`,
);
