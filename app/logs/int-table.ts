import { fmix32 } from "./hyperloglog";

/**
 * A hash table from 32-bit integer keys to small non-negative integers (slots), with open
 * addressing, linear probing and backward-shift deletion. It exists because the per-line lookups
 * of client IPs and message groups dominate the scan, and a JS Map with tens of thousands of
 * entries costs several times more per lookup than an array probe. Each cell holds its key and
 * value side by side in one typed array, so a lookup in a table larger than the CPU caches costs
 * one cache miss rather than two.
 */
export class IntTable {
  /** Cell i: key at 2i, value + 1 at 2i + 1 (0 marks an empty cell). */
  private cells: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.cells = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for `key`, or -1. */
  get(key: number): number {
    const cells = this.cells;
    const mask = this.mask;
    let i = fmix32(key) & mask;
    for (;;) {
      const value = cells[2 * i + 1] as number;
      if (value === 0) return -1;
      if (cells[2 * i] === key) return value - 1;
      i = (i + 1) & mask;
    }
  }

  set(key: number, value: number): void {
    // Keep the load at or below one half so probe sequences stay short.
    if ((this.count + 1) * 4 > this.cells.length) this.grow();
    const cells = this.cells;
    const mask = this.mask;
    let i = fmix32(key) & mask;
    for (;;) {
      if (cells[2 * i + 1] === 0) {
        cells[2 * i] = key;
        cells[2 * i + 1] = value + 1;
        this.count++;
        return;
      }
      if (cells[2 * i] === key) {
        cells[2 * i + 1] = value + 1;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  delete(key: number): boolean {
    const cells = this.cells;
    const mask = this.mask;
    let i = fmix32(key) & mask;
    for (;;) {
      if (cells[2 * i + 1] === 0) return false;
      if (cells[2 * i] === key) break;
      i = (i + 1) & mask;
    }
    cells[2 * i + 1] = 0;
    this.count--;
    // Shift later members of the probe run back into the hole unless that would move them
    // before their home cell.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (cells[2 * j + 1] === 0) return true;
      const home = fmix32(cells[2 * j] as number) & mask;
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!stays) {
        cells[2 * i] = cells[2 * j] as number;
        cells[2 * i + 1] = cells[2 * j + 1] as number;
        cells[2 * j + 1] = 0;
        i = j;
      }
    }
  }

  private grow(): void {
    const old = this.cells;
    const capacity = old.length; // twice the old number of cells
    this.cells = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      const value = old[i + 1] as number;
      if (value !== 0) this.set(old[i] as number, value - 1);
    }
  }
}
