import { IntTable } from "./int-table";

/** One counted item as reported: `count` may undercount by at most the summary's `maxError`. */
export interface CountedItem<K> {
  key: K;
  count: number;
  label: string | undefined;
}

export interface FrequentItemsSnapshot<K> {
  capacity: number;
  keys: K[];
  counts: number[];
  labels: (string | undefined)[] | null;
  tags: number[] | null;
  offset: number;
  total: number;
}

function isInt32(key: string | number): key is number {
  return typeof key === "number" && (key | 0) === key;
}

/**
 * Counts items exactly while at most `capacity` distinct items have been seen; past that it
 * becomes a Misra–Gries heavy-hitters summary with the "purge by the median" step used by Apache
 * DataSketches' frequent-items sketch: when full, subtract the median count from every counter
 * and drop those that reach zero, which frees at least half of the table at amortised O(1) per
 * item. Every reported count is then a lower bound undercounting by at most `maxError`
 * (≤ 2·total/capacity). Summaries merge by adding counters (Agarwal et al., "Mergeable summaries").
 *
 * Keys map to slots in typed arrays; 32-bit integer keys (IPv4 addresses, message hashes) are
 * indexed by an IntTable, other keys by a Map.
 */
export class FrequentItems<K extends string | number> {
  private readonly intIndex = new IntTable();
  private readonly otherIndex = new Map<K, number>();
  private keys: (K | undefined)[] = [];
  private counts = new Float64Array(64);
  /** Labels and tags are allocated on first use: only message groups need them. */
  private tags: Int32Array | null = null;
  private labels: (string | undefined)[] | null = null;
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  /** Sum of counts subtracted by purges: the largest possible undercount of any item. */
  private offset = 0;
  /** Sum of all weights added. */
  private totalWeight = 0;
  /** True when the last `add` started tracking a key (callers then set its label). */
  added = false;

  constructor(
    readonly capacity: number,
    /** Called before every purge, while the table still holds every key seen so far. */
    private readonly beforePurge?: (keys: Iterable<K>) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError("capacity must be an integer ≥ 2");
  }

  get size(): number {
    return this.intIndex.size + this.otherIndex.size;
  }

  get maxError(): number {
    return this.offset;
  }

  get total(): number {
    return this.totalWeight;
  }

  /** True while no purge has happened: counts are exact and every key seen is tracked. */
  get exact(): boolean {
    return this.offset === 0;
  }

  /** Adds `weight` to `key`; returns the key's slot (for `setLabel`). */
  add(key: K, weight = 1): number {
    const slot = this.find(key);
    if (slot >= 0) {
      this.increment(slot, weight);
      return slot;
    }
    return this.insert(key, weight);
  }

  /** The slot tracking `key`, or -1. */
  find(key: K): number {
    if (isInt32(key)) return this.intIndex.get(key);
    return this.otherIndex.get(key) ?? -1;
  }

  /** Adds `weight` to the key in `slot` (from `find`). */
  increment(slot: number, weight = 1): void {
    this.totalWeight += weight;
    this.counts[slot] = (this.counts[slot] as number) + weight;
    this.added = false;
  }

  /** Starts tracking `key` (which `find` did not find) with `weight`; returns its slot. */
  insert(key: K, weight = 1): number {
    this.totalWeight += weight;
    if (this.size >= this.capacity) this.purge();
    const slot = this.freeSlots.length > 0 ? (this.freeSlots.pop() as number) : this.nextSlot++;
    if (slot >= this.counts.length) this.grow();
    if (isInt32(key)) this.intIndex.set(key, slot);
    else this.otherIndex.set(key, slot);
    this.keys[slot] = key;
    this.counts[slot] = weight;
    if (this.tags) this.tags[slot] = 0;
    if (this.labels) this.labels[slot] = undefined;
    this.added = true;
    return slot;
  }

  private grow(): void {
    const size = Math.min(this.counts.length * 2, this.capacity + 1);
    const counts = new Float64Array(size);
    counts.set(this.counts);
    this.counts = counts;
    if (this.tags) {
      const tags = new Int32Array(size);
      tags.set(this.tags);
      this.tags = tags;
    }
  }

  setLabel(slot: number, label: string): void {
    this.labels ??= [];
    this.labels[slot] = label;
  }

  labelOf(slot: number): string | undefined {
    return this.labels?.[slot];
  }

  /** A 32-bit number kept with the key (message groups keep a second hash to spot collisions). */
  tagOf(slot: number): number {
    return this.tags ? (this.tags[slot] as number) : 0;
  }

  setTag(slot: number, tag: number): void {
    this.tags ??= new Int32Array(this.counts.length);
    this.tags[slot] = tag;
  }

  has(key: K): boolean {
    return this.find(key) >= 0;
  }

  /** Every tracked key. */
  *trackedKeys(): Generator<K> {
    for (let slot = 0; slot < this.nextSlot; slot++) {
      const key = this.keys[slot];
      if (key !== undefined) yield key;
    }
  }

  private purge(): void {
    this.beforePurge?.(this.trackedKeys());
    const values = new Float64Array(this.size);
    let n = 0;
    for (let slot = 0; slot < this.nextSlot; slot++) {
      if (this.keys[slot] !== undefined) values[n++] = this.counts[slot] as number;
    }
    const median = quickselect(values, Math.floor(n / 2));
    for (let slot = 0; slot < this.nextSlot; slot++) {
      const key = this.keys[slot];
      if (key === undefined) continue;
      const remaining = (this.counts[slot] as number) - median;
      if (remaining > 0) {
        this.counts[slot] = remaining;
        continue;
      }
      if (isInt32(key)) this.intIndex.delete(key);
      else this.otherIndex.delete(key);
      this.keys[slot] = undefined;
      if (this.labels) this.labels[slot] = undefined;
      this.freeSlots.push(slot);
    }
    this.offset += median;
  }

  /** The `n` largest counts, largest first (ties by key, for a stable order). */
  top(n: number): CountedItem<K>[] {
    // Select the n-th largest count first, so only the candidates get sorted (50 000 IPs, top 10).
    let threshold = Number.NEGATIVE_INFINITY;
    if (n < this.size) {
      const values = new Float64Array(this.size);
      let k = 0;
      for (let slot = 0; slot < this.nextSlot; slot++) {
        if (this.keys[slot] !== undefined) values[k++] = this.counts[slot] as number;
      }
      threshold = quickselect(values, this.size - n);
    }
    const items: CountedItem<K>[] = [];
    for (let slot = 0; slot < this.nextSlot; slot++) {
      const key = this.keys[slot];
      const count = this.counts[slot] as number;
      if (key !== undefined && count >= threshold) items.push({ key, count, label: this.labelOf(slot) });
    }
    items.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return items.slice(0, n);
  }

  merge(other: FrequentItems<K>): void {
    this.mergeSnapshot(other.snapshot());
  }

  /** Adds another summary's counters (from a worker thread) to this one. */
  mergeSnapshot(other: FrequentItemsSnapshot<K>): void {
    let tracked = 0;
    for (let i = 0; i < other.keys.length; i++) {
      const count = other.counts[i] as number;
      tracked += count;
      const slot = this.add(other.keys[i] as K, count);
      if (this.added && other.tags) this.setTag(slot, other.tags[i] as number);
      const label = other.labels?.[i];
      if (label !== undefined && this.labelOf(slot) === undefined) this.setLabel(slot, label);
    }
    // add() counted only what the other still tracks; its purged weight counts towards the total too.
    this.totalWeight += other.total - tracked;
    this.offset += other.offset;
  }

  snapshot(): FrequentItemsSnapshot<K> {
    const snapshot: FrequentItemsSnapshot<K> = {
      capacity: this.capacity,
      keys: [],
      counts: [],
      labels: this.labels ? [] : null,
      tags: this.tags ? [] : null,
      offset: this.offset,
      total: this.totalWeight,
    };
    for (let slot = 0; slot < this.nextSlot; slot++) {
      const key = this.keys[slot];
      if (key === undefined) continue;
      snapshot.keys.push(key);
      snapshot.counts.push(this.counts[slot] as number);
      snapshot.labels?.push(this.labels?.[slot]);
      snapshot.tags?.push(this.tags?.[slot] as number);
    }
    return snapshot;
  }

  static fromSnapshot<K extends string | number>(
    snapshot: FrequentItemsSnapshot<K>,
    beforePurge?: (keys: Iterable<K>) => void,
  ): FrequentItems<K> {
    const items = new FrequentItems<K>(snapshot.capacity, beforePurge);
    items.mergeSnapshot(snapshot);
    return items;
  }
}

/** The k-th smallest value (0-based) of `values`, reordering it in place (Hoare's selection). */
export function quickselect(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const pivot = values[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k] as number;
  }
  return values[k] as number;
}
