import { type CountedItem, FrequentItems, type FrequentItemsSnapshot } from "./frequent-items";
import { fmix32, HyperLogLog, hashString } from "./hyperloglog";

/** IPv4 addresses are signed 32-bit integers (no allocation per line); other addresses strings. */
export type DistinctKey = number | string;

export interface DistinctCounterSnapshot {
  items: FrequentItemsSnapshot<DistinctKey>;
  registers: Uint8Array | null;
}

const SEED = 0x9747b28c;

/**
 * Counts distinct keys (client IPs) and their most frequent members with bounded memory:
 * exact while at most `exactLimit` distinct keys are seen, then a HyperLogLog estimate for the
 * distinct count and a heavy-hitters summary for the top keys. Keys are registered in the sketch
 * only when the summary does not track them already, so the common repeat visit costs one lookup.
 */
export class DistinctCounter {
  private hll: HyperLogLog | null;
  private readonly items: FrequentItems<DistinctKey>;

  constructor(exactLimit: number) {
    this.items = new FrequentItems<DistinctKey>(exactLimit, (keys) => this.switchToSketch(keys));
    this.hll = null;
  }

  private switchToSketch(keys: Iterable<DistinctKey>): void {
    if (this.hll) return;
    const hll = new HyperLogLog();
    for (const key of keys) addKey(hll, key);
    this.hll = hll;
  }

  add(key: DistinctKey, weight = 1): void {
    this.items.add(key, weight);
    if (this.items.added && this.hll) addKey(this.hll, key);
  }

  /** True while the distinct count and the top counts are exact. */
  get exact(): boolean {
    return this.hll === null;
  }

  get distinct(): number {
    return this.hll ? this.hll.estimate() : this.items.size;
  }

  get maxError(): number {
    return this.items.maxError;
  }

  top(n: number): CountedItem<DistinctKey>[] {
    return this.items.top(n);
  }

  merge(other: DistinctCounter): void {
    this.mergeSnapshot(other.snapshot());
  }

  /** Adds another counter's keys (from a worker thread) to this one. */
  mergeSnapshot(other: DistinctCounterSnapshot): void {
    if (other.registers) this.switchToSketch(this.items.trackedKeys());
    this.items.mergeSnapshot(other.items);
    // The merge may have switched this counter to a sketch; every key the other tracks must be in it.
    if (this.hll) {
      for (const key of other.items.keys) addKey(this.hll, key);
      if (other.registers) this.hll.merge(new HyperLogLog(other.registers));
    }
  }

  snapshot(): DistinctCounterSnapshot {
    return { items: this.items.snapshot(), registers: this.hll ? this.hll.registers : null };
  }
}

function addKey(hll: HyperLogLog, key: DistinctKey): void {
  if (typeof key === "number") hll.addHashes(fmix32(key ^ SEED), fmix32(~key));
  else hll.addHashes(hashString(key, SEED), hashString(key, ~SEED));
}
