/** One minute of log activity. */
export interface MinuteBucket {
  /** Minutes since the epoch. */
  minute: number;
  lines: number;
  errors: number;
  /** Timestamps (ms) of the first and last error in the minute; NaN when it had none. */
  firstError: number;
  lastError: number;
}

/** One day of per-minute counts. */
export interface DayPage {
  /** Days since the epoch. */
  day: number;
  lines: Uint32Array;
  errors: Uint32Array;
  /** Milliseconds into the minute of its first and last error; NO_ERROR when it had none. */
  firstError: Uint16Array;
  lastError: Uint16Array;
}

export interface TimeBucketsSnapshot {
  pages: DayPage[];
  dropped: number;
}

const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 1440;
const NO_ERROR = 0xffff;

function newPage(day: number): DayPage {
  const firstError = new Uint16Array(MINUTES_PER_DAY).fill(NO_ERROR);
  const lastError = new Uint16Array(MINUTES_PER_DAY).fill(NO_ERROR);
  return {
    day,
    lines: new Uint32Array(MINUTES_PER_DAY),
    errors: new Uint32Array(MINUTES_PER_DAY),
    firstError,
    lastError,
  };
}

/**
 * Per-minute line and error counts, the base of the histogram (per minute or hour) and of
 * incident detection. Stored densely as one page per day that has lines (17 KiB a day: counts
 * as 32-bit integers, error times as milliseconds into the minute), so memory follows the time
 * span the logs cover, bounded by `maxDays` (400 days ≈ 7 MiB); lines on days beyond that are
 * counted in `dropped` rather than lost silently. Lines mostly arrive in time order, so the last
 * page is cached.
 */
export class TimeBuckets {
  private readonly pages = new Map<number, DayPage>();
  private lastDay = Number.NaN;
  private lastPage: DayPage | null = null;
  dropped = 0;

  constructor(readonly maxDays = 400) {}

  /** Days with at least one line. */
  get days(): number {
    return this.pages.size;
  }

  private pageOf(day: number): DayPage | null {
    if (day === this.lastDay) return this.lastPage;
    let page = this.pages.get(day);
    if (!page) {
      if (this.pages.size >= this.maxDays) return null;
      page = newPage(day);
      this.pages.set(day, page);
    }
    this.lastDay = day;
    this.lastPage = page;
    return page;
  }

  add(ts: number, isError: boolean): void {
    const minute = Math.floor(ts / MS_PER_MINUTE);
    this.addAt(minute, ts - minute * MS_PER_MINUTE, isError);
  }

  /**
   * `add` for the scan loop: the time as minute and milliseconds into it, both small integers,
   * because passing the epoch-ms double to a call that is not inlined would allocate.
   */
  addAt(minute: number, ms: number, isError: boolean): void {
    this.addCountsAt(minute, ms, 1, isError ? 1 : 0);
  }

  /** `addAt` for `lines` lines at the same time, `errors` of them errors. */
  addCountsAt(minute: number, ms: number, lines: number, errors: number): void {
    const day = Math.floor(minute / MINUTES_PER_DAY);
    const page = this.pageOf(day);
    if (!page) {
      this.dropped += lines;
      return;
    }
    const slot = minute - day * MINUTES_PER_DAY;
    page.lines[slot] = (page.lines[slot] as number) + lines;
    if (errors > 0) {
      page.errors[slot] = (page.errors[slot] as number) + errors;
      const first = page.firstError[slot] as number;
      if (first === NO_ERROR || ms < first) page.firstError[slot] = ms;
      const last = page.lastError[slot] as number;
      if (last === NO_ERROR || ms > last) page.lastError[slot] = ms;
    }
  }

  /** Minutes with at least one line, in time order. */
  buckets(): MinuteBucket[] {
    const out: MinuteBucket[] = [];
    const days = [...this.pages.keys()].sort((a, b) => a - b);
    for (const day of days) {
      const page = this.pages.get(day) as DayPage;
      for (let slot = 0; slot < MINUTES_PER_DAY; slot++) {
        const lines = page.lines[slot] as number;
        if (lines === 0) continue;
        const minute = day * MINUTES_PER_DAY + slot;
        const first = page.firstError[slot] as number;
        const last = page.lastError[slot] as number;
        out.push({
          minute,
          lines,
          errors: page.errors[slot] as number,
          firstError: first === NO_ERROR ? Number.NaN : minute * MS_PER_MINUTE + first,
          lastError: last === NO_ERROR ? Number.NaN : minute * MS_PER_MINUTE + last,
        });
      }
    }
    return out;
  }

  merge(other: TimeBuckets): void {
    this.mergeSnapshot(other.snapshot());
  }

  mergeSnapshot(other: TimeBucketsSnapshot): void {
    for (const theirs of other.pages) {
      const mine = this.pageOf(theirs.day);
      if (!mine) {
        for (const lines of theirs.lines) this.dropped += lines;
        continue;
      }
      for (let slot = 0; slot < MINUTES_PER_DAY; slot++) {
        mine.lines[slot] = (mine.lines[slot] as number) + (theirs.lines[slot] as number);
        mine.errors[slot] = (mine.errors[slot] as number) + (theirs.errors[slot] as number);
        const first = theirs.firstError[slot] as number;
        if (
          first !== NO_ERROR &&
          (mine.firstError[slot] === NO_ERROR || first < (mine.firstError[slot] as number))
        ) {
          mine.firstError[slot] = first;
        }
        const last = theirs.lastError[slot] as number;
        if (
          last !== NO_ERROR &&
          (mine.lastError[slot] === NO_ERROR || last > (mine.lastError[slot] as number))
        ) {
          mine.lastError[slot] = last;
        }
      }
    }
    this.dropped += other.dropped;
  }

  snapshot(): TimeBucketsSnapshot {
    return { pages: [...this.pages.values()], dropped: this.dropped };
  }

  static fromSnapshot(snapshot: TimeBucketsSnapshot, maxDays?: number): TimeBuckets {
    const buckets = new TimeBuckets(maxDays);
    buckets.mergeSnapshot(snapshot);
    return buckets;
  }
}
