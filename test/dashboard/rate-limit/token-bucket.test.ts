import { describe, expect, it } from "vitest";
import { TokenBucketLimiter } from "../../../dashboard/rate-limit/token-bucket";

function limiter(options: { limit?: number; windowMs?: number; maxClients?: number } = {}) {
  const clock = { t: 1_000_000 };
  const bucket = new TokenBucketLimiter({
    limit: options.limit ?? 3,
    windowMs: options.windowMs ?? 60_000,
    maxClients: options.maxClients ?? 100,
    now: () => clock.t,
  });
  return { bucket, clock };
}

describe("TokenBucketLimiter", () => {
  it("allows `limit` requests at once, then refuses with the seconds until the next token", () => {
    const { bucket } = limiter({ limit: 3, windowMs: 60_000 });

    const taken = [bucket.take("a"), bucket.take("a"), bucket.take("a")];
    const refused = bucket.take("a");

    expect(taken).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
    ]);
    // 3 tokens a minute: one every 20 s.
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });

  it("counts down Retry-After as time passes and allows again once a token is back", () => {
    const { bucket, clock } = limiter({ limit: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) bucket.take("a");

    clock.t += 15_500;
    const stillRefused = bucket.take("a");
    clock.t += 4_500;
    const allowed = bucket.take("a");

    expect(stillRefused).toEqual({ allowed: false, retryAfterSeconds: 5 });
    expect(allowed).toEqual({ allowed: true, remaining: 0 });
  });

  it("refills to the full limit after a whole window, never beyond", () => {
    const { bucket, clock } = limiter({ limit: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) bucket.take("a");

    clock.t += 10 * 60_000;

    expect(bucket.take("a")).toEqual({ allowed: true, remaining: 2 });
  });

  it("keeps clients apart", () => {
    const { bucket } = limiter({ limit: 1 });

    bucket.take("a");

    expect(bucket.take("a").allowed).toBe(false);
    expect(bucket.take("b")).toEqual({ allowed: true, remaining: 0 });
  });

  it("peeks without spending", () => {
    const { bucket } = limiter({ limit: 1 });

    expect(bucket.peek("a")).toEqual({ allowed: true, remaining: 1 });
    expect(bucket.peek("a")).toEqual({ allowed: true, remaining: 1 });
    bucket.take("a");
    expect(bucket.peek("a")).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it("neither refunds nor charges when the clock steps back", () => {
    const { bucket, clock } = limiter({ limit: 2, windowMs: 60_000 });
    bucket.take("a");

    clock.t -= 3_600_000;

    expect(bucket.take("a")).toEqual({ allowed: true, remaining: 0 });
    expect(bucket.take("a").allowed).toBe(false);
  });

  it("never remembers more than maxClients, forgetting the least recently seen first", () => {
    const { bucket } = limiter({ limit: 1, maxClients: 3 });
    for (const key of ["a", "b", "c"]) bucket.take(key);
    bucket.take("a"); // refused, but seen: b is now the oldest

    bucket.take("d");

    expect(bucket.size).toBe(3);
    expect(bucket.peek("a").allowed).toBe(false);
    expect(bucket.peek("b").allowed).toBe(true); // forgotten: a fresh bucket
    expect(bucket.peek("c").allowed).toBe(false);
  });

  it("drops every refilled (idle) client before forgetting an active one", () => {
    const { bucket, clock } = limiter({ limit: 1, windowMs: 60_000, maxClients: 3 });
    bucket.take("idle-1");
    bucket.take("idle-2");
    clock.t += 60_000;
    bucket.take("active");

    bucket.take("new");

    expect(bucket.size).toBe(2);
    expect(bucket.peek("active").allowed).toBe(false);
    expect(bucket.peek("new").allowed).toBe(false);
  });
});
