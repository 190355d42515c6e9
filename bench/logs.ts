/**
 * Log analysis benchmark (`npm run bench:logs -- --size 1g`; part of `npm run bench`).
 *
 * Generates a seeded syslog-style file (cached between runs), warms the page cache, then times
 * as separate processes, round after round so drift in the machine's load hits every contender
 * alike: `rg -c ERROR` (no mmap), `grep -c ERROR`, an mawk error-type count, a Node readline
 * loop that also collects unique IPs, and opsdeck's full analysis (levels, error types, unique
 * IPs, histogram, incidents, top messages) with worker threads and with one thread. opsdeck runs
 * bundled by esbuild, as it ships. Peak RSS and CPU time come from the OS (GNU time). A missing
 * tool skips only its row and says how to install it.
 *
 * Flags: --size 1g|256m|…  --seed 42  --runs 3  --file <existing log>  --workers auto|N
 *        --dir <cache dir>  --json
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { type GeneratedLogStats, generateSyslogFile } from "../test/support/log-generator";
import { printSuite } from "./lib/cli";
import { warmPageCache } from "./lib/files";
import { hasCommand, PEERS, type Peer, skipNote } from "./lib/peers";
import { measureProcess, type ProcessRun } from "./lib/process";
import { type SuiteReport, target } from "./lib/report";
import { parseSize } from "./lib/size";
import { fixed, median } from "./lib/stats";

export const LOGS_TARGETS = { mbPerSecond: 450, ratioToReadline: 5, rssMiB: 100 } as const;

export interface LogsBenchOptions {
  /** Size of the generated file (ignored with `file`). */
  bytes: number;
  seed: number;
  runs: number;
  /** Where generated files are kept between runs. */
  dir: string;
  /** An existing log file instead of a generated one. */
  file?: string;
  workers: "auto" | number;
  log?: (line: string) => void;
}

export function logsDefaults(quick: boolean): LogsBenchOptions {
  return {
    bytes: quick ? 64 * 1024 ** 2 : 1024 ** 3,
    seed: 42,
    runs: quick ? 3 : 5,
    dir: path.join(tmpdir(), "opsdeck-bench"),
    workers: "auto",
  };
}

interface Contender {
  name: string;
  peer?: Peer;
  command: string;
  args: string[];
  /** The command as printed in the report. */
  shown: string;
  okExitCodes?: number[];
}

interface Row {
  name: string;
  runs: ProcessRun[];
  seconds: number;
  mbPerSecond: number;
  peakRssMiB: number;
  cpuSeconds: number | null;
}

const MAWK_PROGRAM =
  '/ERROR/ { for (i = 1; i < NF; i++) if ($i == "ERROR:") { t[$(i + 1)]++; break } } END { for (k in t) print k, t[k] }';

/** The generated file for (seed, size), from the cache when a complete one is there. */
async function generatedLog(
  options: LogsBenchOptions,
): Promise<{ file: string; expected: GeneratedLogStats }> {
  await mkdir(options.dir, { recursive: true });
  const file = path.join(options.dir, `syslog-${options.seed}-${options.bytes}.log`);
  const statsFile = `${file}.json`;
  if (existsSync(file) && existsSync(statsFile)) {
    const expected = JSON.parse(readFileSync(statsFile, "utf8")) as GeneratedLogStats;
    if (statSync(file).size === expected.bytes) return { file, expected };
  }
  const started = performance.now();
  const expected = generateSyslogFile(file, {
    bytes: options.bytes,
    seed: options.seed,
    burstMinutes: [90, 91, 92, 400],
  });
  // Written last: a file without its stats is an interrupted generation and is made again.
  await writeFile(statsFile, JSON.stringify(expected));
  options.log?.(
    `generated ${(expected.bytes / 1e6).toFixed(0)} MB, ${expected.lines} lines in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { file, expected };
}

/** The analysis child and the readline baseline, bundled as they ship (scan-worker.js beside them). */
async function bundle(outdir: string): Promise<void> {
  await build({
    entryPoints: {
      "logs-analyze-child": path.join(__dirname, "logs-analyze-child.ts"),
      "scan-worker": path.join(__dirname, "..", "app", "logs", "scan-worker.ts"),
      "logs-readline": path.join(__dirname, "logs-readline.ts"),
    },
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
  });
}

function contenders(file: string, dist: string, workers: "auto" | number): Contender[] {
  const node = process.execPath;
  const name = path.basename(file);
  const child = path.join(dist, "logs-analyze-child.js");
  return [
    {
      name: "rg -c ERROR (no mmap)",
      peer: PEERS.rg,
      command: "rg",
      args: ["--no-mmap", "-c", "ERROR", file],
      shown: `rg --no-mmap -c ERROR ${name}`,
    },
    {
      name: "grep -c ERROR",
      peer: PEERS.grep,
      command: "grep",
      args: ["-c", "ERROR", file],
      shown: `grep -c ERROR ${name}`,
      okExitCodes: [1],
    },
    {
      name: "mawk error-type count",
      peer: PEERS.mawk,
      command: "mawk",
      args: [MAWK_PROGRAM, file],
      shown: `mawk '${MAWK_PROGRAM}' ${name}`,
    },
    {
      name: "node readline + unique IPs",
      command: node,
      args: [path.join(dist, "logs-readline.js"), file],
      shown: `node dist/logs-readline.js ${name}`,
    },
    {
      name: `opsdeck analyze (workers ${workers})`,
      command: node,
      args: [child, file, String(workers)],
      shown: `node dist/logs-analyze-child.js ${name} ${workers}`,
    },
    {
      name: "opsdeck analyze (1 thread)",
      command: node,
      args: [child, file, "1"],
      shown: `node dist/logs-analyze-child.js ${name} 1`,
    },
  ];
}

export async function runLogsBench(options: LogsBenchOptions): Promise<SuiteReport> {
  const log = options.log ?? (() => {});
  const work = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-logs-"));
  try {
    const generated = options.file ? undefined : await generatedLog(options);
    const file = options.file ?? (generated?.file as string);
    const bytes = statSync(file).size;
    const dist = path.join(work, "dist");
    await bundle(dist);
    // Every contender reads from the page cache, as the issue's figures did.
    warmPageCache(file);

    const all = contenders(file, dist, options.workers);
    const skipped = all
      .filter((c) => c.peer && !hasCommand(c.peer.command))
      .map((c) => skipNote(c.name, [c.peer as Peer]));
    const present = all.filter((c) => !c.peer || hasCommand(c.peer.command));
    const runs = new Map<string, ProcessRun[]>(present.map((c) => [c.name, []]));
    for (let round = 1; round <= options.runs; round++) {
      for (const contender of present) {
        const run = await measureProcess(contender.command, contender.args, {
          okExitCodes: contender.okExitCodes ?? [],
        });
        runs.get(contender.name)?.push(run);
        log(`logs: ${contender.name} round ${round}/${options.runs}: ${run.seconds.toFixed(2)} s`);
      }
    }
    const rows: Row[] = present.map((c) => {
      const list = runs.get(c.name) ?? [];
      const seconds = median(list.map((r) => r.seconds));
      const cpu = list.map((r) => r.cpuSeconds).filter((v): v is number => v !== null);
      return {
        name: c.name,
        runs: list,
        seconds,
        mbPerSecond: bytes / 1e6 / seconds,
        peakRssMiB: Math.max(...list.map((r) => r.peakRssMiB)),
        cpuSeconds: cpu.length > 0 ? median(cpu) : null,
      };
    });

    const opsdeck = rows.find((r) => r.name.startsWith("opsdeck analyze (workers"));
    const single = rows.find((r) => r.name === "opsdeck analyze (1 thread)");
    const readline = rows.find((r) => r.name.startsWith("node readline"));
    const notes: string[] = [];
    if (opsdeck && generated) notes.push(resultCheck(opsdeck, generated.expected));
    const ratio = opsdeck && readline ? opsdeck.mbPerSecond / readline.mbPerSecond : Number.NaN;
    const rss = Math.max(opsdeck?.peakRssMiB ?? 0, single?.peakRssMiB ?? 0);
    const lines = generated ? `, ${generated.expected.lines.toLocaleString("en-US")} lines` : "";
    return {
      id: "logs",
      title: "Log analysis",
      input: `${options.file ? `\`${options.file}\`` : `A generated syslog file (seed ${options.seed})`}: ${(bytes / 1e6).toFixed(0)} MB${lines}, from the page cache; median of ${options.runs} rounds, contenders alternating.`,
      commands: [
        ...present.map((c) => c.shown),
        "# dist/ = esbuild bundles of bench/logs-analyze-child.ts, bench/logs-readline.ts and app/logs/scan-worker.ts",
      ],
      tables: [
        {
          columns: ["tool", "seconds", "MB/s", "vs readline", "peak RSS MiB", "CPU s", "MB per CPU-second"],
          numeric: [1, 2, 3, 4, 5, 6],
          rows: rows.map((r) => [
            r.name,
            fixed(r.seconds, 2),
            fixed(r.mbPerSecond),
            readline ? `${fixed(r.mbPerSecond / readline.mbPerSecond, 1)}×` : "–",
            fixed(r.peakRssMiB),
            fixed(r.cpuSeconds, 2),
            r.cpuSeconds ? fixed(bytes / 1e6 / r.cpuSeconds) : "–",
          ]),
        },
      ],
      targets: [
        target(
          "log analysis throughput",
          `≥ ${LOGS_TARGETS.mbPerSecond} MB/s`,
          opsdeck ? `${fixed(opsdeck.mbPerSecond)} MB/s` : "–",
          opsdeck ? opsdeck.mbPerSecond >= LOGS_TARGETS.mbPerSecond : null,
        ),
        target(
          "log analysis vs readline loop",
          `≥ ${LOGS_TARGETS.ratioToReadline}×`,
          Number.isNaN(ratio) ? "–" : `${fixed(ratio, 2)}×`,
          Number.isNaN(ratio) ? null : ratio >= LOGS_TARGETS.ratioToReadline,
        ),
        target(
          "log analysis peak RSS",
          `≤ ${LOGS_TARGETS.rssMiB} MiB`,
          `${fixed(rss)} MiB`,
          opsdeck ? rss <= LOGS_TARGETS.rssMiB : null,
        ),
      ],
      skipped,
      notes,
      data: {
        bytes,
        seed: options.seed,
        runs: options.runs,
        rows: rows.map(({ runs: list, ...row }) => ({ ...row, seconds: list.map((r) => r.seconds) })),
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** opsdeck's counts against what the generator wrote: a fast wrong answer is no result. */
function resultCheck(opsdeck: Row, expected: GeneratedLogStats): string {
  const analysis = JSON.parse(opsdeck.runs[0]?.stdout ?? "{}") as {
    lines?: number;
    levels?: { error?: number };
    uniqueIps?: number;
  };
  const ok =
    analysis.lines === expected.lines &&
    analysis.levels?.error === expected.levels.error &&
    analysis.uniqueIps === expected.uniqueIps;
  if (!ok) {
    throw new Error(
      `opsdeck's analysis disagrees with the generator: lines ${analysis.lines}/${expected.lines}, errors ${analysis.levels?.error}/${expected.levels.error}, unique IPs ${analysis.uniqueIps}/${expected.uniqueIps}`,
    );
  }
  return `Result check against the generator: lines ${expected.lines}, errors ${expected.levels.error}, unique IPs ${expected.uniqueIps} — exact.`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: "string" },
      seed: { type: "string" },
      runs: { type: "string" },
      file: { type: "string" },
      workers: { type: "string" },
      dir: { type: "string" },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const defaults = logsDefaults(values.quick);
  const report = await runLogsBench({
    ...defaults,
    ...(values.size ? { bytes: parseSize(values.size) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values.file ? { file: values.file } : {}),
    ...(values.dir ? { dir: values.dir } : {}),
    ...(values.workers ? { workers: values.workers === "auto" ? "auto" : Number(values.workers) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printSuite(report, values.json);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
