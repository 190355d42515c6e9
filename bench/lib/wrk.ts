import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors plus non-2xx/3xx answers. */
  errors: number;
}

/** wrk prints latencies as `812.00us`, `1.23ms`, `1.01s`, `1.50m`. */
export function wrkLatencyMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!match) throw new Error(`cannot read wrk latency "${value}"`);
  const n = Number(match[1]);
  const unit = match[2] as "us" | "ms" | "s" | "m";
  return n * { us: 0.001, ms: 1, s: 1_000, m: 60_000 }[unit];
}

/** Reads wrk's `--latency` report. */
export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output)?.[1];
  const p50 = /^\s+50%\s+(\S+)/m.exec(output)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(output)?.[1];
  if (!rps || !p50 || !p99) throw new Error(`unexpected wrk output:\n${output}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1];
  const errors =
    (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + Number(non2xx ?? 0);
  return { requestsPerSecond: Number(rps), p50Ms: wrkLatencyMs(p50), p99Ms: wrkLatencyMs(p99), errors };
}

export interface WrkOptions {
  connections: number;
  seconds: number;
  threads: number;
  headers?: Record<string, string>;
}

/** The wrk command line for `url` (also printed in the report). */
export function wrkArgs(url: string, options: WrkOptions): string[] {
  return [
    `-t${Math.min(options.threads, options.connections)}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    "--latency",
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
    url,
  ];
}

export async function runWrk(url: string, options: WrkOptions): Promise<WrkResult> {
  const { stdout } = await run("wrk", wrkArgs(url, options), { maxBuffer: 1 << 20 });
  return parseWrk(stdout);
}
