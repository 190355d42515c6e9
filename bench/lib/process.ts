import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { hasCommand, PEERS } from "./peers";

/** One measured run of a command, with its resource use as the OS saw it. */
export interface ProcessRun {
  seconds: number;
  /** Largest resident set of any single process of the run (GNU time's maximum RSS), MiB. */
  peakRssMiB: number;
  /** Largest sampled sum of the resident sets of the process tree (with `sampleTree`), else peakRssMiB. */
  treeRssMiB: number;
  /** User + system CPU of the process and its children, or null without GNU time. */
  cpuSeconds: number | null;
  stdout: string;
  stderr: string;
}

const PAGE_KIB = Number(execFileSync("getconf", ["PAGESIZE"]).toString().trim()) / 1024;

/** Resident KiB of `root` and all its descendants now, from /proc. */
export function treeRssKiB(root: number): number {
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // The command name may hold spaces and parentheses: fields start after the last ")".
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
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

/** A process's own peak resident set (VmHWM) from /proc, MiB; 0 once it has exited. */
export function peakRssOfPid(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** GNU time's `-v` report: maximum resident set (KiB) and CPU seconds. */
export function parseGnuTime(report: string): { peakRssKiB: number; cpuSeconds: number } | null {
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  const user = /User time \(seconds\): ([\d.]+)/.exec(report);
  const system = /System time \(seconds\): ([\d.]+)/.exec(report);
  if (!rss || !user || !system) return null;
  return { peakRssKiB: Number(rss[1]), cpuSeconds: Number(user[1]) + Number(system[1]) };
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are not failures (grep -c exits 1 when nothing matched). */
  okExitCodes?: readonly number[];
  /**
   * Sample the resident sets of the whole process tree every 50 ms (a pipeline's compressor).
   * Off by default: the sampling reads all of /proc and takes CPU from the measured run.
   */
  sampleTree?: boolean;
}

/**
 * Runs `command` to completion, timing it and taking its peak memory from the OS: GNU time
 * (`/usr/bin/time -v`, written to a file so the command's own stderr stays clean) for the
 * largest single process and CPU time, and on request /proc samples of the whole process tree (a
 * pipeline's compressor included). Without GNU time, /proc samples of the process's VmHWM.
 */
export async function measureProcess(
  command: string,
  args: readonly string[],
  options: MeasureOptions = {},
): Promise<ProcessRun> {
  const useTime = hasCommand(PEERS.gnuTime.command);
  const scratch = useTime ? await mkdtemp(path.join(tmpdir(), "opsdeck-bench-time-")) : undefined;
  const report = scratch ? path.join(scratch, "time.txt") : undefined;
  const [file, argv] = report
    ? [PEERS.gnuTime.command, ["-v", "-o", report, command, ...args]]
    : [command, [...args]];
  try {
    const started = performance.now();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let treePeakKiB = 0;
    let ownPeakMiB = 0;
    const sample = () => {
      if (!child.pid) return;
      if (options.sampleTree) treePeakKiB = Math.max(treePeakKiB, treeRssKiB(child.pid));
      if (!useTime) ownPeakMiB = Math.max(ownPeakMiB, peakRssOfPid(child.pid));
    };
    const poll = options.sampleTree || !useTime ? setInterval(sample, 50) : undefined;
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (poll) clearInterval(poll);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0 && !(code !== null && options.okExitCodes?.includes(code))) {
      throw new Error(`${command} ${args.join(" ")} failed (exit ${code}): ${stderr.trim().slice(-2000)}`);
    }
    const time = report ? parseGnuTime(await readFile(report, "utf8")) : null;
    const peakRssMiB = time ? time.peakRssKiB / 1024 : ownPeakMiB;
    return {
      seconds,
      peakRssMiB,
      treeRssMiB: Math.max(treePeakKiB / 1024, peakRssMiB),
      cpuSeconds: time?.cpuSeconds ?? null,
      stdout,
      stderr,
    };
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
