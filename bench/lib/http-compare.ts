import { median } from "./stats";
import { runWrk, type WrkResult } from "./wrk";

export interface HttpTarget {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

/** One target at one connection count: the median of each figure over the rounds. */
export interface HttpCell {
  target: string;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** req/s of every round, for the spread. */
  rounds: number[];
}

export interface CompareOptions {
  connections: number;
  seconds: number;
  rounds: number;
  threads: number;
  log?: (line: string) => void;
}

/**
 * Loads each target with wrk, alternating targets round after round so drift in the machine's
 * load hits them alike, after a short warm-up of each (JIT, sockets).
 */
export async function compareHttp(
  targets: readonly HttpTarget[],
  options: CompareOptions,
): Promise<HttpCell[]> {
  const wrkOptions = { connections: options.connections, threads: options.threads };
  for (const t of targets) await runWrk(t.url, { ...wrkOptions, seconds: 1, headers: t.headers ?? {} });
  const results: WrkResult[][] = targets.map(() => []);
  for (let round = 1; round <= options.rounds; round++) {
    for (const [i, t] of targets.entries()) {
      const result = await runWrk(t.url, {
        ...wrkOptions,
        seconds: options.seconds,
        headers: t.headers ?? {},
      });
      results[i]?.push(result);
      options.log?.(
        `${t.name} c=${options.connections} round ${round}/${options.rounds}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99Ms.toFixed(2)} ms`,
      );
    }
  }
  return targets.map((t, i) => {
    const runs = results[i] ?? [];
    return {
      target: t.name,
      connections: options.connections,
      requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
      rounds: runs.map((r) => r.requestsPerSecond),
    };
  });
}
