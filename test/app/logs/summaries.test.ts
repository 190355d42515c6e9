import { describe, expect, it } from "vitest";
import { DistinctCounter } from "../../../app/logs/distinct-counter";
import { FrequentItems } from "../../../app/logs/frequent-items";
import { fmix32, HyperLogLog } from "../../../app/logs/hyperloglog";
import { IntTable } from "../../../app/logs/int-table";
import { seededRandom } from "../../support/log-generator";

function hll(from: number, to: number): HyperLogLog {
  const sketch = new HyperLogLog();
  for (let i = from; i < to; i++) sketch.addHashes(fmix32(i), fmix32(~i ^ 0x5bd1e995));
  return sketch;
}

describe("HyperLogLog", () => {
  it.each([1_000, 60_000, 1_000_000])("estimates %i distinct values within 2 %%", (n) => {
    const estimate = hll(0, n).estimate();
    expect(Math.abs(estimate - n) / n).toBeLessThan(0.02);
  });

  it("estimates the union of merged sketches", () => {
    const a = hll(0, 300_000);
    a.merge(hll(200_000, 500_000));
    expect(Math.abs(a.estimate() - 500_000) / 500_000).toBeLessThan(0.02);
  });

  it("estimates zero for an empty sketch and ignores repeats", () => {
    expect(new HyperLogLog().estimate()).toBe(0);
    const sketch = hll(0, 100);
    for (let r = 0; r < 5; r++)
      for (let i = 0; i < 100; i++) sketch.addHashes(fmix32(i), fmix32(~i ^ 0x5bd1e995));
    expect(sketch.estimate()).toBeGreaterThanOrEqual(99);
    expect(sketch.estimate()).toBeLessThanOrEqual(101);
  });
});

describe("IntTable", () => {
  it("behaves like a Map under random inserts, updates and deletes", () => {
    const random = seededRandom(7);
    const table = new IntTable(16);
    const reference = new Map<number, number>();
    for (let step = 0; step < 200_000; step++) {
      const key = (Math.floor(random() * 5000) * 2_654_435_761) | 0;
      const roll = random();
      if (roll < 0.6) {
        table.set(key, step);
        reference.set(key, step);
      } else if (roll < 0.9) {
        expect(table.delete(key)).toBe(reference.delete(key));
      } else {
        expect(table.get(key)).toBe(reference.get(key) ?? -1);
      }
    }
    expect(table.size).toBe(reference.size);
    for (const [key, value] of reference) expect(table.get(key)).toBe(value);
  });
});

describe("FrequentItems", () => {
  it("counts exactly while within capacity", () => {
    const items = new FrequentItems<string>(10);
    for (const word of "a b a c a b".split(" ")) items.add(word);
    expect(items.exact).toBe(true);
    expect(items.top(2)).toEqual([
      { key: "a", count: 3, label: undefined },
      { key: "b", count: 2, label: undefined },
    ]);
  });

  it("keeps every heavy hitter past capacity, undercounting by at most maxError ≤ 2·total/capacity", () => {
    const random = seededRandom(3);
    const items = new FrequentItems<number>(100);
    const truth = new Map<number, number>();
    for (let i = 0; i < 200_000; i++) {
      // A skewed stream over 20 000 keys: key k has weight ~ 1/k.
      const key = Math.floor(20_000 ** random());
      items.add(key);
      truth.set(key, (truth.get(key) ?? 0) + 1);
    }
    expect(items.exact).toBe(false);
    expect(items.maxError).toBeLessThanOrEqual((2 * 200_000) / 100);
    const top = items.top(5);
    const trueTop = [...truth].sort((a, b) => b[1] - a[1]).slice(0, 5);
    expect(top.map((item) => item.key)).toEqual(trueTop.map(([key]) => key));
    for (const item of top) {
      const exact = truth.get(item.key) as number;
      expect(item.count).toBeLessThanOrEqual(exact);
      expect(item.count).toBeGreaterThanOrEqual(exact - items.maxError);
    }
  });

  it("merges into the same counts as one summary over both streams", () => {
    const left = new FrequentItems<string>(50);
    const right = new FrequentItems<string>(50);
    const whole = new FrequentItems<string>(50);
    for (let i = 0; i < 40; i++) {
      const key = `k${i % 13}`;
      (i % 2 === 0 ? left : right).add(key);
      whole.add(key);
    }
    left.mergeSnapshot(right.snapshot());
    expect(left.top(13)).toEqual(whole.top(13));
    expect(left.total).toBe(40);
  });
});

describe("DistinctCounter", () => {
  it("counts exactly up to its limit, then estimates with HyperLogLog", () => {
    const exact = new DistinctCounter(1000);
    for (let i = 0; i < 1000; i++) exact.add(i);
    expect([exact.exact, exact.distinct]).toEqual([true, 1000]);

    const big = new DistinctCounter(1000);
    for (let i = 0; i < 50_000; i++) big.add(i % 2 === 0 ? i : `v6-${i}`);
    expect(big.exact).toBe(false);
    expect(Math.abs(big.distinct - 50_000) / 50_000).toBeLessThan(0.03);
  });

  it("merges an exact counter with a sketched one into the union's size", () => {
    const small = new DistinctCounter(100);
    for (let i = 0; i < 50; i++) small.add(1_000_000 + i);
    const large = new DistinctCounter(100);
    for (let i = 0; i < 20_000; i++) large.add(i);
    small.mergeSnapshot(large.snapshot());
    expect(small.exact).toBe(false);
    expect(Math.abs(small.distinct - 20_050) / 20_050).toBeLessThan(0.03);
  });

  it("stays exact when two exact counters merge within the limit", () => {
    const a = new DistinctCounter(100);
    const b = new DistinctCounter(100);
    for (let i = 0; i < 60; i++) a.add(i);
    for (let i = 30; i < 90; i++) b.add(i);
    a.mergeSnapshot(b.snapshot());
    expect([a.exact, a.distinct]).toEqual([true, 90]);
    expect(a.top(1)[0]?.count).toBe(2);
  });
});
