/**
 * Offline plan benchmark (`npm run bench:plan`; part of `npm run bench`): how long `npm run plan`
 * takes for a stack end to end as a user runs it, each run a fresh Node process (tsx, loading the
 * Pulumi SDKs, the program under the mock runtime, the policy pack, writing plan.json).
 *
 *   npm run bench:plan [-- --stack dev --runs 10]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { numberFlags, printSuite, runMain } from "./lib/cli";
import { measureProcess } from "./lib/process";
import { type SuiteReport, target } from "./lib/report";
import { fixed, median } from "./lib/stats";

export const PLAN_TARGETS = { seconds: 5 } as const;

export interface PlanBenchOptions {
  stack: string;
  runs: number;
  log?: (line: string) => void;
}

export function planDefaults(quick: boolean): PlanBenchOptions {
  return { stack: "dev", runs: quick ? 3 : 10 };
}

export async function runPlanBench(options: PlanBenchOptions): Promise<SuiteReport> {
  const root = path.resolve(__dirname, "..");
  const out = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-plan-"));
  try {
    const args = ["--import", "tsx", "scripts/plan.ts", "--stack", options.stack, "--out"];
    const runs = [];
    for (let i = 1; i <= options.runs; i++) {
      const run = await measureProcess(process.execPath, [...args, path.join(out, "plan.json")], {
        cwd: root,
      });
      runs.push(run);
      options.log?.(`plan: run ${i}/${options.runs}: ${run.seconds.toFixed(2)} s`);
    }
    const seconds = runs.map((r) => r.seconds);
    const mid = median(seconds);
    const resources = /(\d+) resources?/.exec(runs[0]?.stdout ?? "")?.[1];
    return {
      id: "plan",
      title: `Offline plan of the ${options.stack} stack`,
      input: `\`scripts/plan.ts\` end to end in fresh Node processes: tsx, the Pulumi SDKs, the program under Pulumi's mock runtime in preview mode${resources ? ` (${resources} resources)` : ""}, the policy pack, text rendering and plan.json; ${options.runs} runs.`,
      commands: [
        `node --import tsx scripts/plan.ts --stack ${options.stack} --out plan.json   # = npm run plan`,
      ],
      tables: [
        {
          columns: ["runs", "min s", "median s", "max s", "peak RSS MiB"],
          numeric: [0, 1, 2, 3, 4],
          rows: [
            [
              String(runs.length),
              fixed(Math.min(...seconds), 2),
              fixed(mid, 2),
              fixed(Math.max(...seconds), 2),
              fixed(Math.max(...runs.map((r) => r.peakRssMiB))),
            ],
          ],
        },
      ],
      targets: [
        target(
          `offline plan (${options.stack} stack)`,
          `< ${PLAN_TARGETS.seconds} s`,
          `${fixed(mid, 2)} s`,
          mid < PLAN_TARGETS.seconds,
        ),
      ],
      skipped: [],
      notes: [],
      data: { stack: options.stack, seconds },
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      runs: { type: "string" },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const report = await runPlanBench({
    ...planDefaults(values.quick),
    ...(values.stack ? { stack: values.stack } : {}),
    ...numberFlags(values, { runs: "positive" }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printSuite(report, values.json);
}

if (require.main === module) runMain(main);
