export interface TokenBucketOptions {
  /** Requests a client may make at once; the bucket refills to this many over `windowMs`. */
  limit: number;
  windowMs: number;
  /** The most clients remembered at once; beyond it the least recently seen one is forgotten. */
  maxClients: number;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export type Decision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per client key, in memory. A bucket that has refilled completely holds no more
 * information than an absent one, so idle clients are dropped instead of swept by a timer (a
 * frozen Lambda environment runs no timers). The map is kept in least-recently-seen order: a
 * touched key is re-inserted at the end, so the first key is the one to forget when full.
 */
export class TokenBucketLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.#perMs = options.limit / options.windowMs;
  }

  /** Takes one token for `key`, or says how many whole seconds until one is back. */
  take(key: string): Decision {
    const bucket = this.#refilled(key);
    if (bucket.tokens < 1) return this.#refuse(key, bucket);
    bucket.tokens -= 1;
    this.#store(key, bucket);
    return { allowed: true, remaining: Math.floor(bucket.tokens) };
  }

  /** The same answer as `take` without spending anything (a lockout check before the work). */
  peek(key: string): Decision {
    const bucket = this.#refilled(key);
    if (bucket.tokens < 1) return this.#refuse(key, bucket);
    return { allowed: true, remaining: Math.floor(bucket.tokens) };
  }

  /** Clients currently remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string): Bucket {
    const now = this.options.now();
    const bucket = this.#buckets.get(key);
    if (!bucket) return { tokens: this.options.limit, updatedAt: now };
    // A clock that steps back must not refund or charge anything.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return { tokens: Math.min(this.options.limit, bucket.tokens + elapsed * this.#perMs), updatedAt: now };
  }

  #refuse(key: string, bucket: Bucket): Decision {
    this.#store(key, bucket);
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)),
    };
  }

  #store(key: string, bucket: Bucket): void {
    this.#buckets.delete(key);
    if (this.#buckets.size >= this.options.maxClients) this.#evict(bucket.updatedAt);
    this.#buckets.set(key, bucket);
  }

  /** Drops refilled buckets from the old end; if none is idle, the least recently seen one. */
  #evict(now: number): void {
    const fullAfterMs = this.options.windowMs;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updatedAt < fullAfterMs) break;
      this.#buckets.delete(key);
    }
    if (this.#buckets.size >= this.options.maxClients) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
  }
}
