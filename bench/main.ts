/**
 * `npm run bench`: every comparison of issue 7 in one run, written to docs/BENCHMARKS.md.
 *
 *   npm run bench                        # full size: 1 GiB log, 1 GiB tree, 10 s wrk runs (~20 min)
 *   npm run bench -- --quick             # small inputs, 1–2 minutes: checks that the suite works
 *   npm run bench -- --only logs,backup  # some suites (the report then holds only those)
 *   npm run bench -- --out /tmp/b.md --json /tmp/b.json
 *
 * Inputs are generated from seeds (and cached in --dir); nothing is installed: a missing peer
 * skips only its comparison and the report says which Debian package has it. Each suite is in its
 * own file under bench/ and runs on its own too (`npm run bench:logs`, …).
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { backupDefaults, runBackupBench } from "./backup";
import { checksDefaults, runChecksBench } from "./checks";
import { dashboardDefaults, runDashboardBench } from "./dashboard";
import { lambdaDefaults, runLambdaBench } from "./dashboard-lambda";
import { busyShare, calibrate, cpuTimes, describeMachine, stealShare } from "./lib/machine";
import { renderRun, replaceGenerated, type SuiteReport, skippedSuite } from "./lib/report";
import { logsDefaults, runLogsBench } from "./logs";
import { metricsDefaults, runMetricsBench } from "./metrics";
import { planDefaults, runPlanBench } from "./plan";

interface SuiteEntry {
  id: string;
  title: string;
  run(quick: boolean, dir: string, log: (line: string) => void): Promise<SuiteReport>;
}

const SUITES: SuiteEntry[] = [
  {
    id: "logs",
    title: "Log analysis",
    run: (quick, dir, log) => runLogsBench({ ...logsDefaults(quick), dir, log }),
  },
  {
    id: "backup",
    title: "Backup",
    run: (quick, dir, log) => runBackupBench({ ...backupDefaults(quick), dir, log }),
  },
  {
    id: "dashboard",
    title: "Dashboard",
    run: (quick, _dir, log) => runDashboardBench({ ...dashboardDefaults(quick), log }),
  },
  {
    id: "metrics",
    title: "/metrics",
    run: (quick, _dir, log) => runMetricsBench({ ...metricsDefaults(quick), log }),
  },
  {
    id: "checks",
    title: "Checks",
    run: (quick, _dir, log) => runChecksBench({ ...checksDefaults(quick), log }),
  },
  {
    id: "plan",
    title: "Offline plan",
    run: (quick, _dir, log) => runPlanBench({ ...planDefaults(quick), log }),
  },
  {
    id: "lambda",
    title: "Lambda bundle",
    run: (quick, _dir, log) => runLambdaBench({ ...lambdaDefaults(quick), log }),
  },
];

/** Above this share of CPU busy with other work just before a suite, its figures get a warning. */
const BUSY_WARNING = 0.1;
/** Above this share of CPU time taken by the hypervisor during a suite, its figures get a warning. */
const STEAL_WARNING = 0.02;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string", default: path.resolve(__dirname, "..", "docs", "BENCHMARKS.md") },
      json: { type: "string" },
      dir: { type: "string", default: path.join(tmpdir(), "opsdeck-bench") },
    },
  });
  const only = values.only?.split(",").map((s) => s.trim());
  const unknown = only?.filter((id) => !SUITES.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    throw new Error(
      `--only: unknown suite ${unknown.join(", ")} (known: ${SUITES.map((s) => s.id).join(", ")})`,
    );
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const startedAt = new Date();
  const machine = describeMachine();
  const calibrationAtStart = calibrate();
  log(
    `machine: ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage.join(" ")}, calibration ${Math.round(calibrationAtStart)} ms`,
  );

  const reports: SuiteReport[] = [];
  let failed = false;
  for (const suite of SUITES.filter((s) => !only || only.includes(s.id))) {
    const busy = await busyShare();
    log(`— ${suite.title} (CPU busy with other work: ${Math.round(busy * 100)}%)`);
    let report: SuiteReport;
    const before = cpuTimes();
    try {
      report = await suite.run(values.quick, values.dir, log);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      log(`${suite.title} failed: ${message}`);
      report = skippedSuite(suite.id, suite.title, `the suite failed: ${message}`);
    }
    if (busy > BUSY_WARNING) {
      report.notes.push(
        `Caution: ${Math.round(busy * 100)}% of the CPU was busy with other work just before this suite; its figures are noisy.`,
      );
    }
    const steal = stealShare(before, cpuTimes());
    if (steal > STEAL_WARNING) {
      report.notes.push(
        `Caution: the hypervisor took ${Math.round(steal * 100)}% of the CPU time during this suite (steal); its figures are noisy.`,
      );
    }
    reports.push(report);
  }

  const flags = [...(values.quick ? ["--quick"] : []), ...(values.only ? ["--only", values.only] : [])];
  const generated = renderRun({
    mode: values.quick ? "quick" : "full",
    command: `npm run bench${flags.length > 0 ? ` -- ${flags.join(" ")}` : ""}`,
    startedAt,
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    machine,
    loadAtEnd: loadavg(),
    calibrationMs: [calibrationAtStart, calibrate()],
    suites: reports,
  });
  const existing = existsSync(values.out) ? readFileSync(values.out, "utf8") : undefined;
  await writeFile(values.out, replaceGenerated(existing, generated));
  log(`wrote ${values.out}`);
  if (values.json) {
    await writeFile(values.json, `${JSON.stringify({ machine, startedAt, suites: reports }, null, 2)}\n`);
  }
  process.stdout.write(`${generated}\n`);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
