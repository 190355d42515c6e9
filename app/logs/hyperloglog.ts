/**
 * HyperLogLog distinct-count estimator (Flajolet et al. 2007) with Ertl's improved estimator
 * ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which is unbiased over
 * the whole range without HLL++'s empirical bias tables. Precision 14: 16 384 one-byte registers,
 * standard error ≈ 1.04/√m ≈ 0.81 %.
 *
 * Written here rather than taken from npm: the maintained JS packages hash every value through a
 * 64-bit binary *string* (microseconds per update, too slow for a per-line hot path) and none
 * accepts a pre-computed hash. Callers pass two independent 32-bit hashes: one picks the register,
 * the other gives the rank, so ranks span 32 bits and the sketch stays accurate to ~10^12.
 */
export class HyperLogLog {
  static readonly PRECISION = 14;
  private static readonly M = 1 << HyperLogLog.PRECISION;
  /** Rank bits taken from the second hash. */
  private static readonly Q = 32;

  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    if (registers && registers.length !== HyperLogLog.M) {
      throw new RangeError(
        `HyperLogLog registers must have ${HyperLogLog.M} entries, got ${registers.length}`,
      );
    }
    this.registers = registers ?? new Uint8Array(HyperLogLog.M);
  }

  /** Adds a value by its two 32-bit hashes. */
  addHashes(indexHash: number, rankHash: number): void {
    const index = indexHash >>> (32 - HyperLogLog.PRECISION);
    const rank = Math.clz32(rankHash) + 1;
    if (rank > (this.registers[index] as number)) this.registers[index] = rank;
  }

  merge(other: HyperLogLog): void {
    const mine = this.registers;
    const theirs = other.registers;
    for (let i = 0; i < mine.length; i++) {
      if ((theirs[i] as number) > (mine[i] as number)) mine[i] = theirs[i] as number;
    }
  }

  /** Estimated number of distinct values added. */
  estimate(): number {
    const m = HyperLogLog.M;
    const q = HyperLogLog.Q;
    const histogram = new Float64Array(q + 2);
    for (const value of this.registers) histogram[value] = (histogram[value] as number) + 1;
    let z = m * tau(1 - (histogram[q + 1] as number) / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + (histogram[k] as number));
    z += m * sigma((histogram[0] as number) / m);
    const alphaInfinity = 0.5 / Math.LN2;
    return Math.round((alphaInfinity * m * m) / z);
  }
}

function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === previous) return z / 3;
  }
}

/** murmur3's 32-bit finaliser: a bijective mix, so distinct 32-bit keys never collide. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** 32-bit FNV-1a of a string's UTF-16 code units, finalised with fmix32. */
export function hashString(value: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 16_777_619);
  return fmix32(h);
}
