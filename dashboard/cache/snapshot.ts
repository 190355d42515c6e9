/**
 * One loaded state and everything derived from it. Each refresh makes a new Snapshot, so values
 * memoised on it (rendered HTML, JSON bytes, ETags) are computed once per version and dropped with it.
 */
export class Snapshot<T> {
  private readonly memos = new Map<string, unknown>();

  constructor(
    readonly value: T,
    /** Increases with every successful load; part of cache keys and ETags. */
    readonly version: number,
    /** When the load finished (ms since the epoch). */
    readonly loadedAt: number,
  ) {}

  /** `build()` once per snapshot and key; later calls return the same value. */
  memo<R>(key: string, build: () => R): R {
    if (this.memos.has(key)) return this.memos.get(key) as R;
    const value = build();
    this.memos.set(key, value);
    return value;
  }
}
