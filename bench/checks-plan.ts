import { seededRandom } from "../test/support/log-generator";

/** What the target service does for path /p/<i>: answer after `delayMs`, with a 500 when `fail`. */
export interface PlannedAnswer {
  delayMs: number;
  fail: boolean;
}

/** A seeded plan: 30% of paths sleep 0–200 ms, 5% answer 500; the same seed gives the same plan. */
export function planAnswers(count: number, seed: number): PlannedAnswer[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => ({
    delayMs: random() < 0.3 ? Math.round(random() * 200) : 0,
    fail: random() < 0.05,
  }));
}

/** Makespan of jobs taken in order by the first free of `slots` workers, with zero overhead. */
export function listSchedule(durations: readonly number[], slots: number): number {
  const free = new Array<number>(Math.min(slots, Math.max(durations.length, 1))).fill(0);
  for (const d of durations) {
    let i = 0;
    for (let j = 1; j < free.length; j++) if ((free[j] ?? 0) < (free[i] ?? 0)) i = j;
    free[i] = (free[i] ?? 0) + d;
  }
  return Math.max(...free);
}
