/**
 * Backup benchmark (`npm run bench:backup`; part of `npm run bench`): archive a seeded mixed tree
 * (logs, text, incompressible binaries, thousands of small files; bench/backup-tree.ts, cached
 * between runs) with opsdeck (built-in parallel gzip, pigz, zstd) and with GNU tar (`tar czf`,
 * `tar -I pigz`, `tar --zstd`). MB/s is over the tree's file bytes. Peak RSS comes from the OS:
 * GNU time's maximum resident set (the largest single process) and /proc samples of the whole
 * process tree (tar plus its compressor, node plus its pigz/zstd child). opsdeck runs bundled by
 * esbuild under plain node, writing to a local-directory store: the backup engine alone
 * (bench/backup-run.ts), and `opsdeck backup create` from the CLI bundle as it ships (dist/cli).
 *
 *   npm run bench:backup                               # 1 GiB tree, 3 alternating rounds
 *   npm run bench:backup -- --size 256MiB --runs 1 --only "tar czf,opsdeck gzip -6"
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { buildBundles } from "../scripts/build";
import { ensureMixedTree } from "./backup-tree";
import { numberFlags, printSuite, runMain } from "./lib/cli";
import { hasCommand, PEERS, type Peer, skipNote } from "./lib/peers";
import { measureProcess, type ProcessRun } from "./lib/process";
import { type SuiteReport, target } from "./lib/report";
import { formatSize, parseSize } from "./lib/size";
import { fixed, median } from "./lib/stats";

/**
 * Issue 14.5's targets: memory bounded whatever the tree (≤ 64 MiB for the largest process of every
 * opsdeck run: node itself, or its zstd/pigz child), zstd within 10% of `tar --zstd`, and built-in
 * gzip no slower than before the tar writer was replaced (2.22× `tar czf`, docs/BENCHMARKS.md, Dec 2026).
 * Speeds are ratios to GNU tar on the same machine in the same rounds, so a busy machine shifts both.
 */
export const BACKUP_TARGETS = {
  speedupOverTarCzf: 1.2,
  gzipBeforeOverTarCzf: 2.22,
  zstdOverTarZstd: 0.9,
  rssMiB: 64,
} as const;

export interface BackupBenchOptions {
  bytes: number;
  seed: number;
  runs: number;
  /** Where the generated tree and the archives go (needs ~2.5 × the size free). */
  dir: string;
  /** A subset of contender names. */
  only?: string[];
  log?: (line: string) => void;
}

export function backupDefaults(quick: boolean): BackupBenchOptions {
  return {
    bytes: quick ? 32 * 1024 ** 2 : 1024 ** 3,
    seed: 1,
    runs: 3,
    dir: path.join(tmpdir(), "opsdeck-bench"),
  };
}

interface Contender {
  name: string;
  peers: Peer[];
  shown: string;
  /** Runs once into `out` (a path without extension); returns the measurement and the output size. */
  run(out: string): Promise<{ measured: ProcessRun; outputBytes: number }>;
}

interface Row {
  name: string;
  seconds: number;
  mbPerSecond: number;
  outputMiB: number;
  ratio: number;
  peakRssMiB: number;
  treeRssMiB: number;
  runs: number[];
}

interface Programs {
  /** bench/backup-run.ts bundled: createBackup into a LocalStore, nothing else loaded. */
  runner: string;
  /** The CLI bundle's entry and an app config whose local store is `out`. */
  cli: { entry: string; config: string };
}

function contenders(tree: string, { runner, cli }: Programs): Contender[] {
  const tar = (name: string, flags: string[], ext: string, peers: Peer[]): Contender => ({
    name,
    peers: [PEERS.tar, ...peers],
    shown: `tar ${flags.join(" ")} out${ext} -C tree .`,
    async run(out) {
      const file = `${out}${ext}`;
      const measured = await measureProcess("tar", [...flags, file, "-C", tree, "."], { sampleTree: true });
      return { measured, outputBytes: (await fs.stat(file)).size };
    },
  });
  const opsdeck = (
    name: string,
    compressor: string,
    peers: Peer[],
    { level, threads }: { level?: number; threads?: number } = {},
  ): Contender => {
    // The runner's arguments after the compressor: [level] [threads].
    const extra = threads ? [String(level ?? 0), String(threads)] : level ? [String(level)] : [];
    return {
      name,
      peers,
      shown: `node dist/backup-run.js store tree ${[compressor, ...extra].join(" ")}`,
      async run(out) {
        const args = [runner, out, tree, compressor, ...extra];
        const measured = await measureProcess(process.execPath, args, { sampleTree: true });
        return { measured, outputBytes: (JSON.parse(measured.stdout) as { size: number }).size };
      },
    };
  };
  const shipped: Contender = {
    name: "opsdeck backup create (CLI bundle)",
    peers: [],
    shown: "node dist/cli/opsdeck.mjs -c opsdeck.json backup create --source tree --json",
    async run() {
      const args = [
        cli.entry,
        "-c",
        cli.config,
        "backup",
        "create",
        "--source",
        tree,
        "--json",
        "--no-progress",
      ];
      const measured = await measureProcess(process.execPath, args, { sampleTree: true });
      const [outcome] = JSON.parse(measured.stdout) as Array<{ record: { size: number } }>;
      return { measured, outputBytes: outcome?.record.size ?? Number.NaN };
    },
  };
  return [
    tar("tar czf", ["-czf"], ".tar.gz", [PEERS.gzip]),
    opsdeck("opsdeck gzip -6", "gzip", []),
    shipped,
    opsdeck("opsdeck gzip -6, 1 thread", "gzip", [], { threads: 1 }),
    opsdeck("opsdeck gzip -1", "gzip", [], { level: 1 }),
    tar("tar -I pigz", ["-I", "pigz", "-cf"], ".tar.gz", [PEERS.pigz]),
    opsdeck("opsdeck pigz -6", "pigz", [PEERS.pigz]),
    tar("tar --zstd", ["--zstd", "-cf"], ".tar.zst", [PEERS.zstd]),
    opsdeck("opsdeck zstd -3", "zstd", [PEERS.zstd]),
  ];
}

async function clean(out: string): Promise<void> {
  await fs.rm(out, { recursive: true, force: true });
  for (const ext of [".tar.gz", ".tar.zst"]) await fs.rm(`${out}${ext}`, { force: true });
}

export async function runBackupBench(options: BackupBenchOptions): Promise<SuiteReport> {
  const log = options.log ?? (() => {});
  await fs.mkdir(options.dir, { recursive: true });
  const tree = path.join(options.dir, `tree-${options.seed}-${options.bytes}`);
  log(`backup: generating (or reusing) a ${formatSize(options.bytes)} mixed tree at ${tree}`);
  const stats = await ensureMixedTree({ root: tree, totalBytes: options.bytes, seed: options.seed });

  const bundleDir = await fs.mkdtemp(path.join(tmpdir(), "opsdeck-bench-backup-"));
  try {
    await build({
      entryPoints: { "backup-run": path.join(__dirname, "backup-run.ts") },
      outdir: bundleDir,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      logLevel: "warning",
    });
    await buildBundles(["cli"], { outDir: bundleDir });
    const out = path.join(options.dir, `out-${process.pid}`);
    const cliConfig = path.join(bundleDir, "opsdeck.json");
    await fs.writeFile(
      cliConfig,
      JSON.stringify({ storage: { type: "local", dir: out }, hosts: { name: "bench" } }),
    );
    const programs: Programs = {
      runner: path.join(bundleDir, "backup-run.js"),
      cli: { entry: path.join(bundleDir, "cli", "opsdeck.mjs"), config: cliConfig },
    };
    const all = contenders(tree, programs).filter((c) => !options.only || options.only.includes(c.name));
    const skipped: string[] = [];
    const present = all.filter((c) => {
      const missing = c.peers.filter((p) => !hasCommand(p.command));
      if (missing.length > 0) skipped.push(skipNote(c.name, missing));
      return missing.length === 0;
    });
    // Warm the page cache so every contender reads the tree from memory.
    execFileSync("sh", ["-c", 'tar -cf - -C "$1" . | cat > /dev/null', "sh", tree]);

    const results = new Map<string, Array<{ measured: ProcessRun; outputBytes: number }>>(
      present.map((c) => [c.name, []]),
    );
    for (let round = 1; round <= options.runs; round++) {
      for (const contender of present) {
        await clean(out);
        const result = await contender.run(out);
        await clean(out);
        results.get(contender.name)?.push(result);
        log(
          `backup: ${contender.name} round ${round}/${options.runs}: ${result.measured.seconds.toFixed(2)} s`,
        );
      }
    }
    const rows: Row[] = present.map((c) => {
      const list = results.get(c.name) ?? [];
      const seconds = median(list.map((r) => r.measured.seconds));
      const outputBytes = median(list.map((r) => r.outputBytes));
      return {
        name: c.name,
        seconds,
        mbPerSecond: stats.bytes / 1e6 / seconds,
        outputMiB: outputBytes / 1024 ** 2,
        ratio: stats.bytes / outputBytes,
        peakRssMiB: Math.max(...list.map((r) => r.measured.peakRssMiB)),
        treeRssMiB: Math.max(...list.map((r) => r.measured.treeRssMiB)),
        runs: list.map((r) => r.measured.seconds),
      };
    });

    const baseline = rows.find((r) => r.name === "tar czf");
    const gzip = rows.find((r) => r.name === "opsdeck gzip -6");
    const tarZstd = rows.find((r) => r.name === "tar --zstd");
    const zstd = rows.find((r) => r.name === "opsdeck zstd -3");
    const speedup = baseline && gzip ? gzip.mbPerSecond / baseline.mbPerSecond : Number.NaN;
    const zstdRatio = tarZstd && zstd ? zstd.mbPerSecond / tarZstd.mbPerSecond : Number.NaN;
    const opsdeckRows = rows.filter((r) => r.name.startsWith("opsdeck"));
    const worstRss = opsdeckRows.reduce<Row | undefined>(
      (worst, r) => (!worst || r.peakRssMiB > worst.peakRssMiB ? r : worst),
      undefined,
    );
    return {
      id: "backup",
      title: "Backup",
      input: `A generated mixed tree (seed ${options.seed}): ${stats.files.toLocaleString("en-US")} files, ${(stats.bytes / 1e6).toFixed(0)} MB (35% logs, 25% text, 30% incompressible binaries, 10% small config files), from the page cache; median of ${options.runs} rounds, contenders alternating.`,
      commands: [
        ...present.map((c) => c.shown),
        "# dist/backup-run.js = esbuild bundle of bench/backup-run.ts (createBackup into a LocalStore)",
        "# dist/cli = the CLI bundle (npm run build -- cli); opsdeck.json: a local store, host bench",
      ],
      tables: [
        {
          columns: [
            "tool",
            "seconds",
            "MB/s",
            "vs tar czf",
            "output MiB",
            "ratio",
            "peak RSS MiB (largest process)",
            "peak RSS MiB (process tree)",
          ],
          numeric: [1, 2, 3, 4, 5, 6, 7],
          rows: rows.map((r) => [
            r.name,
            fixed(r.seconds, 2),
            fixed(r.mbPerSecond, 1),
            baseline ? `${fixed(r.mbPerSecond / baseline.mbPerSecond, 2)}×` : "–",
            fixed(r.outputMiB, 1),
            fixed(r.ratio, 2),
            fixed(r.peakRssMiB),
            fixed(r.treeRssMiB),
          ]),
        },
      ],
      targets: [
        target(
          "backup, gzip, vs `tar czf`",
          `≥ ${BACKUP_TARGETS.speedupOverTarCzf}×`,
          Number.isNaN(speedup)
            ? "–"
            : `${fixed(speedup, 2)}× (${fixed(gzip?.mbPerSecond, 1)} vs ${fixed(baseline?.mbPerSecond, 1)} MB/s)`,
          Number.isNaN(speedup) ? null : speedup >= BACKUP_TARGETS.speedupOverTarCzf,
        ),
        target(
          "backup, gzip, not slower than before (× `tar czf`)",
          `≥ ${BACKUP_TARGETS.gzipBeforeOverTarCzf}×`,
          Number.isNaN(speedup) ? "–" : `${fixed(speedup, 2)}×`,
          Number.isNaN(speedup) ? null : speedup >= BACKUP_TARGETS.gzipBeforeOverTarCzf,
        ),
        target(
          "backup, zstd, vs `tar --zstd`",
          `≥ ${BACKUP_TARGETS.zstdOverTarZstd}×`,
          Number.isNaN(zstdRatio)
            ? "–"
            : `${fixed(zstdRatio, 2)}× (${fixed(zstd?.mbPerSecond, 1)} vs ${fixed(tarZstd?.mbPerSecond, 1)} MB/s)`,
          Number.isNaN(zstdRatio) ? null : zstdRatio >= BACKUP_TARGETS.zstdOverTarZstd,
        ),
        target(
          "backup, peak RSS of the largest process, every opsdeck row",
          `≤ ${BACKUP_TARGETS.rssMiB} MiB`,
          worstRss ? `${fixed(worstRss.peakRssMiB)} MiB (${worstRss.name})` : "–",
          worstRss ? worstRss.peakRssMiB <= BACKUP_TARGETS.rssMiB : null,
        ),
      ],
      skipped,
      notes: [],
      data: { tree: { ...stats, seed: options.seed }, runs: options.runs, rows },
    };
  } finally {
    await fs.rm(bundleDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: "string" },
      seed: { type: "string" },
      dir: { type: "string" },
      runs: { type: "string" },
      only: { type: "string" },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const report = await runBackupBench({
    ...backupDefaults(values.quick),
    ...(values.size ? { bytes: parseSize(values.size) } : {}),
    ...numberFlags(values, { seed: "any", runs: "positive" }),
    ...(values.dir ? { dir: values.dir } : {}),
    ...(values.only ? { only: values.only.split(",").map((s) => s.trim()) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printSuite(report, values.json);
}

if (require.main === module) runMain(main);
