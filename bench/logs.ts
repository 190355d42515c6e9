/**
 * Log analysis benchmark (`npm run bench:logs -- --size 1g`).
 *
 * Generates a seeded syslog-style file, then times, as separate processes on a warm page cache:
 * `rg -c ERROR` (no mmap), `grep -c ERROR`, an mawk error-type count, a Node readline loop that
 * also collects unique IPs, and opsdeck's full analysis (levels, error types, unique IPs,
 * histogram, incidents, top messages) with worker threads and with one thread. Peak RSS comes
 * from the OS (`/usr/bin/time`, else the child's /proc status). opsdeck runs bundled by esbuild,
 * as it ships. A missing tool skips only its row and says how to install it.
 *
 * Flags: --size 1g|256m|…  --seed 42  --file <existing log>  --workers auto|N  --keep  --json <out>
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { type GeneratedLogStats, generateSyslogFile } from "../test/support/log-generator";

interface Measurement {
  name: string;
  seconds: number;
  mbPerSecond: number;
  peakRssMiB: number | null;
  cpuSeconds: number | null;
  output: string;
}

const TARGET_MB_PER_SECOND = 450;
const TARGET_RATIO_TO_READLINE = 5;
const TARGET_RSS_MIB = 100;

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!match) throw new Error(`--size: expected a size such as 1g, 256m or 100000, got "${text}"`);
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] as string).toLowerCase()] as number;
  return Math.round(Number(match[1]) * unit);
}

function hasCommand(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Runs a command, measuring wall time and, from the OS, peak RSS and CPU time. */
async function measure(name: string, bytes: number, command: string, args: string[]): Promise<Measurement> {
  const useTime = existsSync("/usr/bin/time");
  const [file, argv] = useTime
    ? ["/usr/bin/time", ["-f", "@@time %M %U %S", command, ...args]]
    : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // Without GNU time, sample the child's own peak RSS (VmHWM) until it exits.
  let polledPeakKiB = 0;
  const poll = useTime
    ? undefined
    : setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
          const hwm = /VmHWM:\s+(\d+)/.exec(status);
          if (hwm) polledPeakKiB = Math.max(polledPeakKiB, Number(hwm[1]));
        } catch {
          // The child has exited.
        }
      }, 20);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (poll) clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  let peakRssMiB: number | null = polledPeakKiB > 0 ? polledPeakKiB / 1024 : null;
  let cpuSeconds: number | null = null;
  const timeLine = /@@time (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  if (timeLine) {
    peakRssMiB = Number(timeLine[1]) / 1024;
    cpuSeconds = Number(timeLine[2]) + Number(timeLine[3]);
  }
  // grep -c exits 1 when nothing matched; anything else non-zero is a failure.
  if (code !== 0 && !(code === 1 && stdout.trim() === "0")) {
    throw new Error(`${name} failed (exit ${code}): ${stderr.replace(/@@time.*/, "").trim()}`);
  }
  return { name, seconds, mbPerSecond: bytes / 1e6 / seconds, peakRssMiB, cpuSeconds, output: stdout.trim() };
}

async function bundle(outdir: string): Promise<string> {
  // The analysis runs as it ships: bundled, with the worker entry emitted beside it.
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
  return outdir;
}

function row(m: Measurement): string {
  const rss = m.peakRssMiB === null ? "n/a" : m.peakRssMiB.toFixed(0);
  const cpu = m.cpuSeconds === null ? "n/a" : m.cpuSeconds.toFixed(2);
  return `| ${m.name} | ${m.seconds.toFixed(2)} | ${m.mbPerSecond.toFixed(0)} | ${rss} | ${cpu} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: "string", default: "1g" },
      seed: { type: "string", default: "42" },
      file: { type: "string" },
      workers: { type: "string", default: "auto" },
      keep: { type: "boolean", default: false },
      json: { type: "string" },
    },
  });
  const work = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-logs-"));
  const file = values.file ?? path.join(work, "syslog.log");
  let expected: GeneratedLogStats | null = null;
  try {
    if (!values.file) {
      const size = parseSize(values.size);
      const started = performance.now();
      expected = generateSyslogFile(file, {
        bytes: size,
        seed: Number(values.seed),
        burstMinutes: [90, 91, 92, 400],
      });
      console.log(
        `generated ${(expected.bytes / 1e6).toFixed(0)} MB, ${expected.lines} lines in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${values.seed})`,
      );
    }
    const bytes = Number(spawnSync("stat", ["-c", "%s", file]).stdout.toString().trim());
    const dist = await bundle(path.join(work, "dist"));
    // Warm the page cache so every contender reads from memory, as the figures did.
    spawnSync("sh", ["-c", `cat "${file}" > /dev/null`]);

    const results: Measurement[] = [];
    const skipped: string[] = [];
    const node = process.execPath;
    const run = async (
      name: string,
      tool: string | null,
      install: string,
      command: string,
      args: string[],
    ) => {
      if (tool && !hasCommand(tool)) {
        skipped.push(`${name}: \`${tool}\` not installed (${install})`);
        return;
      }
      const measurement = await measure(name, bytes, command, args);
      results.push(measurement);
      console.log(`${name}: ${measurement.seconds.toFixed(2)} s, ${measurement.mbPerSecond.toFixed(0)} MB/s`);
    };
    await run("rg -c ERROR (no mmap)", "rg", "apt-get install ripgrep", "rg", [
      "--no-mmap",
      "-c",
      "ERROR",
      file,
    ]);
    await run("grep -c ERROR", "grep", "apt-get install grep", "grep", ["-c", "ERROR", file]);
    await run("mawk error types", "mawk", "apt-get install mawk", "mawk", [
      '/ERROR/ { for (i = 1; i < NF; i++) if ($i == "ERROR:") { t[$(i + 1)]++; break } } END { for (k in t) print k, t[k] }',
      file,
    ]);
    await run("node readline + unique IPs", null, "", node, [path.join(dist, "logs-readline.js"), file]);
    await run(`opsdeck analyze (workers ${values.workers})`, null, "", node, [
      path.join(dist, "logs-analyze-child.js"),
      file,
      values.workers,
    ]);
    await run("opsdeck analyze (1 thread)", null, "", node, [
      path.join(dist, "logs-analyze-child.js"),
      file,
      "1",
    ]);

    console.log("\n| tool | seconds | MB/s | peak RSS MiB | CPU s |\n|---|---|---|---|---|");
    for (const m of results) console.log(row(m));
    for (const line of skipped) console.log(`skipped: ${line}`);

    const opsdeck = results.find((m) => m.name.startsWith("opsdeck analyze (workers"));
    const readline = results.find((m) => m.name.startsWith("node readline"));
    if (opsdeck && readline) {
      const ratio = opsdeck.mbPerSecond / readline.mbPerSecond;
      const analysis = JSON.parse(opsdeck.output) as {
        levels: { error: number };
        uniqueIps: number;
        lines: number;
      };
      console.log(`\nopsdeck vs readline: ${ratio.toFixed(1)}×`);
      console.log(
        `targets: ≥ ${TARGET_MB_PER_SECOND} MB/s ${opsdeck.mbPerSecond >= TARGET_MB_PER_SECOND ? "met" : "NOT met"}; ` +
          `≥ ${TARGET_RATIO_TO_READLINE}× readline ${ratio >= TARGET_RATIO_TO_READLINE ? "met" : "NOT met"}; ` +
          `RSS ≤ ${TARGET_RSS_MIB} MiB ${opsdeck.peakRssMiB !== null && opsdeck.peakRssMiB <= TARGET_RSS_MIB ? "met" : "NOT met"}`,
      );
      if (expected) {
        const ok =
          analysis.lines === expected.lines &&
          analysis.levels.error === expected.levels.error &&
          analysis.uniqueIps === expected.uniqueIps;
        console.log(
          `check against the generator: lines ${analysis.lines}/${expected.lines}, errors ${analysis.levels.error}/${expected.levels.error}, unique IPs ${analysis.uniqueIps}/${expected.uniqueIps} → ${ok ? "exact" : "MISMATCH"}`,
        );
        if (!ok) process.exitCode = 1;
      }
    }
    if (values.json) {
      await writeFile(values.json, `${JSON.stringify({ bytes, results, skipped }, null, 2)}\n`);
    }
  } finally {
    if (values.keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
