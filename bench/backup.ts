/**
 * Benchmark: archive a seeded mixed tree (logs, text, incompressible binaries, thousands of small
 * files) with opsdeck (built-in parallel gzip, pigz, zstd) and with GNU tar (`tar czf`,
 * `tar -I pigz`, `tar --zstd`). Reports MB/s over the tree's file bytes, output size and peak RSS.
 *
 *   npm run bench:backup                          # 1 GiB tree (generated once, then cached)
 *   npm run bench:backup -- --size 256MiB --runs 3 --json
 *
 * Peak RSS comes from the OS: GNU time's maximum resident set (the largest single process) and a
 * /proc sample of the whole process tree (node plus its pigz/zstd child; tar plus its compressor).
 * opsdeck runs bundled by esbuild under plain node, as it ships. Targets from the issue:
 * opsdeck gzip ≥ 1.2 × `tar czf`, opsdeck peak RSS ≤ 256 MiB.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { ensureMixedTree } from "./backup-tree";

const { values: args } = parseArgs({
  options: {
    size: { type: "string", default: "1GiB" },
    seed: { type: "string", default: "1" },
    /** Where the generated tree and the archives go (needs ~2.5 × size free). */
    dir: { type: "string", default: path.join(tmpdir(), "opsdeck-bench") },
    /** Runs per contender; the median is reported. */
    runs: { type: "string", default: "1" },
    /** Comma-separated subset of contender names. */
    only: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

const TARGET_SPEEDUP = 1.2;
const TARGET_RSS_MIB = 256;

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kib|m|mib|g|gib)?$/i.exec(text.trim());
  if (!m) throw new Error(`--size: expected a size like 1GiB or 256MiB, got ${JSON.stringify(text)}`);
  const unit = (m[2] ?? "b").toLowerCase();
  const factor = unit.startsWith("g")
    ? 1024 ** 3
    : unit.startsWith("m")
      ? 1024 ** 2
      : unit.startsWith("k")
        ? 1024
        : 1;
  return Math.round(Number(m[1]) * factor);
}

function hasCommand(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const PAGE_KIB = Number(execFileSync("getconf", ["PAGESIZE"]).toString().trim()) / 1024;

/** Resident KiB of `root` and all its descendants right now, from /proc. */
function treeRssKiB(root: number): number {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let kib = 0;
  for (const pid of tree) {
    try {
      kib += Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_KIB;
    } catch {
      // exited meanwhile
    }
  }
  return kib;
}

interface Run {
  seconds: number;
  /** Largest single process (GNU time), MiB. */
  peakRssMiB: number | null;
  /** Sampled sum over the process tree, MiB. */
  treeRssMiB: number;
  stdout: string;
}

async function measure(command: string, argv: string[]): Promise<Run> {
  const useTime = existsSync("/usr/bin/time");
  const [file, fileArgs] = useTime
    ? ["/usr/bin/time", ["-f", "@@time %M", command, ...argv]]
    : [command, argv];
  const started = performance.now();
  const child = spawn(file, fileArgs, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  let treePeak = 0;
  const poll = setInterval(() => {
    if (child.pid) treePeak = Math.max(treePeak, treeRssKiB(child.pid));
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${command} ${argv.join(" ")} failed (exit ${code}): ${stderr.trim()}`);
  const time = /@@time (\d+)/.exec(stderr);
  return { seconds, peakRssMiB: time ? Number(time[1]) / 1024 : null, treeRssMiB: treePeak / 1024, stdout };
}

interface Contender {
  name: string;
  /** Runs once, returning the measurement and the output size in bytes. */
  run(out: string): Promise<{ measured: Run; outputBytes: number }>;
}

interface Result {
  name: string;
  seconds: number;
  mbPerSecond: number;
  outputMiB: number;
  ratio: number;
  peakRssMiB: number | null;
  treeRssMiB: number;
}

async function main() {
  const totalBytes = parseSize(args.size);
  const seed = Number(args.seed);
  await fs.mkdir(args.dir, { recursive: true });
  const tree = path.join(args.dir, `tree-${seed}-${totalBytes}`);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log(`generating (or reusing) a ${(totalBytes / 1024 ** 2).toFixed(0)} MiB mixed tree at ${tree} …`);
  const stats = await ensureMixedTree({ root: tree, totalBytes, seed });
  log(`${stats.files} files, ${(stats.bytes / 1e6).toFixed(0)} MB; warming the page cache …`);
  execFileSync("sh", ["-c", `tar -cf - -C '${tree}' . | cat > /dev/null`]);

  const bundleDir = await fs.mkdtemp(path.join(tmpdir(), "opsdeck-bench-bundle-"));
  await build({
    entryPoints: { "backup-run": path.join(__dirname, "backup-run.ts") },
    outdir: bundleDir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
  });
  const runner = path.join(bundleDir, "backup-run.js");

  const tar = (name: string, flags: string[], ext: string): Contender => ({
    name,
    async run(out) {
      const file = `${out}${ext}`;
      const measured = await measure("tar", [...flags, file, "-C", tree, "."]);
      return { measured, outputBytes: (await fs.stat(file)).size };
    },
  });
  const opsdeck = (name: string, compressor: string, level?: number): Contender => ({
    name,
    async run(out) {
      const measured = await measure(process.execPath, [
        runner,
        out,
        tree,
        compressor,
        ...(level ? [String(level)] : []),
      ]);
      return { measured, outputBytes: (JSON.parse(measured.stdout) as { size: number }).size };
    },
  });
  const contenders: Contender[] = [
    tar("tar czf", ["-czf"], ".tar.gz"),
    opsdeck("opsdeck gzip -6", "gzip"),
    opsdeck("opsdeck gzip -1", "gzip", 1),
    ...(hasCommand("pigz")
      ? [tar("tar -I pigz", ["-I", "pigz", "-cf"], ".tar.gz"), opsdeck("opsdeck pigz -6", "pigz")]
      : []),
    ...(hasCommand("zstd")
      ? [tar("tar --zstd", ["--zstd", "-cf"], ".tar.zst"), opsdeck("opsdeck zstd -3", "zstd")]
      : []),
  ].filter((c) => !args.only || args.only.split(",").includes(c.name));

  const results: Result[] = [];
  for (const contender of contenders) {
    const runs: Array<{ measured: Run; outputBytes: number }> = [];
    for (let i = 0; i < Number(args.runs); i++) {
      const out = path.join(args.dir, `out-${process.pid}`);
      await fs.rm(out, { recursive: true, force: true });
      log(`${contender.name}: run ${i + 1}/${args.runs} …`);
      runs.push(await contender.run(out));
      await fs.rm(out, { recursive: true, force: true });
      for (const ext of [".tar.gz", ".tar.zst"]) await fs.rm(`${out}${ext}`, { force: true });
    }
    runs.sort((a, b) => a.measured.seconds - b.measured.seconds);
    const median = runs[Math.floor(runs.length / 2)] as (typeof runs)[number];
    results.push({
      name: contender.name,
      seconds: median.measured.seconds,
      mbPerSecond: stats.bytes / 1e6 / median.measured.seconds,
      outputMiB: median.outputBytes / 1024 ** 2,
      ratio: stats.bytes / median.outputBytes,
      peakRssMiB: Math.max(...runs.map((r) => r.measured.peakRssMiB ?? 0)) || null,
      treeRssMiB: Math.max(...runs.map((r) => r.measured.treeRssMiB)),
    });
  }
  await fs.rm(bundleDir, { recursive: true, force: true });

  const baseline = results.find((r) => r.name === "tar czf");
  const gzip = results.find((r) => r.name === "opsdeck gzip -6");
  const verdicts: string[] = [];
  if (baseline && gzip) {
    const speedup = gzip.mbPerSecond / baseline.mbPerSecond;
    verdicts.push(
      `opsdeck gzip -6 vs tar czf: ${speedup.toFixed(2)}× (target ≥ ${TARGET_SPEEDUP}×: ${speedup >= TARGET_SPEEDUP ? "met" : "NOT met"})`,
    );
  }
  for (const r of results.filter((x) => x.name.startsWith("opsdeck"))) {
    const peak = Math.max(r.peakRssMiB ?? 0, r.treeRssMiB);
    verdicts.push(
      `${r.name} peak RSS ${peak.toFixed(0)} MiB (target ≤ ${TARGET_RSS_MIB}: ${peak <= TARGET_RSS_MIB ? "met" : "NOT met"})`,
    );
  }

  if (args.json) {
    console.log(
      JSON.stringify({ tree: { ...stats, seed }, runs: Number(args.runs), results, verdicts }, null, 2),
    );
    return;
  }
  console.log(
    `\nTree: ${stats.files} files, ${(stats.bytes / 1e6).toFixed(0)} MB (seed ${seed}); median of ${args.runs} run(s)\n`,
  );
  console.log(
    "| tool | seconds | MB/s | output MiB | ratio | peak RSS MiB (largest process) | peak RSS MiB (process tree) |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.seconds.toFixed(2)} | ${r.mbPerSecond.toFixed(1)} | ${r.outputMiB.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.peakRssMiB?.toFixed(0) ?? "n/a"} | ${r.treeRssMiB.toFixed(0)} |`,
    );
  }
  console.log(`\n${verdicts.map((v) => `- ${v}`).join("\n")}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
