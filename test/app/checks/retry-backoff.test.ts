import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDefaultsSchema, checkSchema, runChecksOnce } from "../../../app/checks";
import { type LoopbackServer, startHttpServer } from "../../support/loopback";

/**
 * The runner backs off with cockatiel's `ExponentialBackoff` (decorrelated jitter) starting at
 * `retryDelayMs` = d. With that generator the k-th delay is random, but the waits add up to
 * d/1.4 · f(k + u) with u in [0, 1) and f(t) = 2^t · tanh(√(4t)): the time from the first attempt
 * to attempt k + 2 lies in [f(k), f(k + 1)) · d/1.4, windows that double from one retry to the next.
 */
const f = (t: number) => 2 ** t * Math.tanh(Math.sqrt(4 * t));
/** [lowest, highest) time from the first attempt to attempt k + 2, for a first delay `d`. */
function window(k: number, d: number): [number, number] {
  return [(f(k) * d) / 1.4, (f(k + 1) * d) / 1.4];
}
/** Timers may fire up to a millisecond early against `performance.now()`. */
const EARLY_MS = 2;
/** Room for the requests themselves (loopback round trips, a busy test machine) on top of the waits. */
const LATE_MS = 40;

/** Answers every request 500 (a down verdict, so the runner retries) and notes when each arrived. */
let server: LoopbackServer;
const arrivals = new Map<string, number[]>();
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const times = arrivals.get(req.url ?? "") ?? [];
    times.push(performance.now());
    arrivals.set(req.url ?? "", times);
    res.statusCode = 500;
    res.end("down");
  });
});
afterAll(async () => {
  await server.close();
});

/** Milliseconds from the first attempt to each later one. */
function offsets(path: string): number[] {
  const times = arrivals.get(path) ?? [];
  const first = times[0] ?? Number.NaN;
  return times.slice(1).map((t) => t - first);
}

function failingCheck(id: string) {
  return checkSchema.parse({ id, type: "http", url: `${server.url}/${id}` });
}

describe("check retries", () => {
  it("wait longer before each retry: the waits grow exponentially from retryDelayMs", async () => {
    const d = 40;
    const [result] = await runChecksOnce(
      [failingCheck("growing")],
      checkDefaultsSchema.parse({ retries: 5, retryDelayMs: d }),
    );

    expect(result).toMatchObject({ status: "down", attempts: 6 });
    const seen = offsets("/growing");
    expect(seen).toHaveLength(5);
    seen.forEach((offset, k) => {
      const [low, high] = window(k, d);
      expect(offset, `attempt ${k + 2} at ${offset.toFixed(1)} ms`).toBeGreaterThanOrEqual(low - EARLY_MS);
      expect(offset, `attempt ${k + 2} at ${offset.toFixed(1)} ms`).toBeLessThan(high + LATE_MS);
    });
    // Not a fixed delay: the first retry came within ~1.4 d, the sixth attempt after more than 11 d
    // in all, so the four later waits were on average longer than the first (about 2.5 times).
    const firstWait = seen[0] ?? Number.NaN;
    const laterWaits = ((seen[4] ?? Number.NaN) - firstWait) / 4;
    expect(laterWaits).toBeGreaterThan(firstWait * 1.2);
  });

  it("jitter the waits: the same retry waits a different time from run to run, within its bounds", async () => {
    const d = 100;
    const ids = Array.from({ length: 12 }, (_, i) => `jitter-${i}`);

    const results = await runChecksOnce(
      ids.map(failingCheck),
      checkDefaultsSchema.parse({ retries: 1, retryDelayMs: d }),
    );

    expect(results.map((r) => r.attempts)).toEqual(ids.map(() => 2));
    const firstWaits = ids.map((id) => offsets(`/${id}`)[0] ?? Number.NaN);
    const [low, high] = window(0, d);
    for (const wait of firstWaits) {
      expect(wait).toBeGreaterThanOrEqual(low - EARLY_MS);
      expect(wait).toBeLessThan(high + LATE_MS);
    }
    // Without jitter all twelve would wait d (plus the same few ms of request time). With it, the
    // chance that twelve draws fall within 0.15 d of each other is below one in ten million.
    expect(Math.max(...firstWaits) - Math.min(...firstWaits)).toBeGreaterThan(0.15 * d);
  });
});
