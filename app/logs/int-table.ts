import { fmix32 } from "./hyperloglog";

/**
 * A hash table from 32-bit integer keys to small non-negative integers (slots), with open
 * addressing, linear probing and backward-shift deletion, stored in two typed arrays. It exists
 * because the per-line lookups of client IPs and message groups dominate the scan, and a JS Map
 * with tens of thousands of entries costs several times more per lookup than two array probes.
 */
export class IntTable {
  private keys: Int32Array;
  /** Value + 1; 0 marks an empty cell. */
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for `key`, or -1. */
  get(key: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = fmix32(key) & mask;
    for (;;) {
      const value = values[i] as number;
      if (value === 0) return -1;
      if (keys[i] === key) return value - 1;
      i = (i + 1) & mask;
    }
  }

  set(key: number, value: number): void {
    // Keep the load at or below one half so probe sequences stay short.
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const mask = this.mask;
    let i = fmix32(key) & mask;
    for (;;) {
      if (this.values[i] === 0) {
        this.keys[i] = key;
        this.values[i] = value + 1;
        this.count++;
        return;
      }
      if (this.keys[i] === key) {
        this.values[i] = value + 1;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  delete(key: number): boolean {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = fmix32(key) & mask;
    for (;;) {
      if (values[i] === 0) return false;
      if (keys[i] === key) break;
      i = (i + 1) & mask;
    }
    values[i] = 0;
    this.count--;
    // Shift later members of the probe run back into the hole unless that would move them
    // before their home cell.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (values[j] === 0) return true;
      const home = fmix32(keys[j] as number) & mask;
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!stays) {
        keys[i] = keys[j] as number;
        values[i] = values[j] as number;
        values[j] = 0;
        i = j;
      }
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldKeys.length * 2;
    this.keys = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const value = oldValues[i] as number;
      if (value !== 0) this.set(oldKeys[i] as number, value - 1);
    }
  }
}
