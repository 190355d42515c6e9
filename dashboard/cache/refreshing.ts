import { Snapshot } from "./snapshot";

export interface RefreshingOptions {
  /** A snapshot younger than this is served as is. */
  ttlMs: number;
  /**
   * How long past its TTL a snapshot may still be served while a refresh runs in the background
   * (stale-while-revalidate). Older ones make the request wait for the load. A long-lived server
   * uses a generous value; Lambda uses 0, because a frozen environment cannot refresh in the background.
   */
  maxStaleMs: number;
  now?: () => number;
  /** Told about a failed refresh while an older snapshot is kept in service. */
  onError?: (error: unknown) => void;
}

/**
 * A value loaded on demand and kept for `ttlMs`, with at most one load in flight (single-flight):
 * a hundred concurrent requests on an expired snapshot cause one store read, not a hundred.
 * A failed load keeps the previous snapshot in service and is not retried for `ttlMs`, so a broken
 * store is not hammered by every request.
 */
export class RefreshingValue<T> {
  private current?: Snapshot<T>;
  private inflight?: Promise<Snapshot<T>>;
  private version = 0;
  private failedAt = Number.NEGATIVE_INFINITY;
  private lastError: unknown;
  private expired = false;
  private readonly now: () => number;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly options: RefreshingOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The snapshot to serve now; loads (or waits for a load) only when there is nothing fresh enough.
   * When a load fails, an older snapshot is served rather than an error.
   */
  get(): Promise<Snapshot<T>> {
    const now = this.now();
    const current = this.current;
    if (current && !this.expired) {
      const age = now - current.loadedAt;
      if (age <= this.options.ttlMs || this.recentlyFailed(now)) return Promise.resolve(current);
      if (age <= this.options.ttlMs + this.options.maxStaleMs) {
        void this.refresh().catch(() => undefined);
        return Promise.resolve(current);
      }
    }
    if (this.recentlyFailed(now)) return current ? Promise.resolve(current) : Promise.reject(this.lastError);
    return current ? this.refresh().catch(() => current) : this.refresh();
  }

  /** The snapshot when it can be served as is (within its TTL), without a promise: the hot path. */
  fresh(): Snapshot<T> | undefined {
    const current = this.current;
    if (!current || this.expired || this.now() - current.loadedAt > this.options.ttlMs) return undefined;
    return current;
  }

  /** Loads now (joining a load already in flight). Rejects when the load fails. */
  refresh(): Promise<Snapshot<T>> {
    this.inflight ??= this.load()
      .then((value) => {
        this.current = new Snapshot(value, ++this.version, this.now());
        this.expired = false;
        this.failedAt = Number.NEGATIVE_INFINITY;
        return this.current;
      })
      .catch((error: unknown) => {
        this.failedAt = this.now();
        this.lastError = error;
        if (this.current) this.options.onError?.(error);
        throw error;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** Makes the next `get` wait for a fresh load (after a checks round wrote new results). */
  invalidate(): void {
    this.expired = true;
    this.failedAt = Number.NEGATIVE_INFINITY;
  }

  /** The snapshot in service, if any, without loading. */
  peek(): Snapshot<T> | undefined {
    return this.current;
  }

  private recentlyFailed(now: number): boolean {
    return now - this.failedAt < this.options.ttlMs;
  }
}
