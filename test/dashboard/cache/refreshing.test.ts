import { describe, expect, it } from "vitest";
import { RefreshingValue } from "../../../dashboard/cache/refreshing";

/** A loader that counts calls and resolves when told to, and a clock the test moves. */
function setup(options: { ttlMs?: number; maxStaleMs?: number } = {}) {
  let clock = 1_000;
  let calls = 0;
  let fail = false;
  const pending: Array<() => void> = [];
  let manual = false;
  const errors: unknown[] = [];
  const value = new RefreshingValue(
    () => {
      calls++;
      const n = calls;
      if (fail) return Promise.reject(new Error(`load ${n} failed`));
      if (!manual) return Promise.resolve(`v${n}`);
      return new Promise<string>((resolve) => pending.push(() => resolve(`v${n}`)));
    },
    {
      ttlMs: options.ttlMs ?? 100,
      maxStaleMs: options.maxStaleMs ?? 0,
      now: () => clock,
      onError: (e) => errors.push(e),
    },
  );
  return {
    value,
    calls: () => calls,
    advance: (ms: number) => {
      clock += ms;
    },
    failing: (on: boolean) => {
      fail = on;
    },
    holdLoads: () => {
      manual = true;
    },
    release: () => {
      for (const resolve of pending.splice(0)) resolve();
    },
    errors,
  };
}

describe("refreshing snapshot cache", () => {
  it("loads once for many concurrent requests (single flight)", async () => {
    const t = setup();
    t.holdLoads();

    const all = Promise.all(Array.from({ length: 50 }, () => t.value.get()));
    t.release();
    const snapshots = await all;

    expect(t.calls()).toBe(1);
    expect(new Set(snapshots).size).toBe(1);
    expect(snapshots[0]?.value).toBe("v1");
  });

  it("serves the same snapshot without loading while it is younger than the TTL", async () => {
    const t = setup({ ttlMs: 100 });
    const first = await t.value.get();

    t.advance(100);
    const second = await t.value.get();

    expect(second).toBe(first);
    expect(t.calls()).toBe(1);
  });

  it("waits for a fresh load once the snapshot is past its TTL and no staleness is allowed", async () => {
    const t = setup({ ttlMs: 100, maxStaleMs: 0 });
    await t.value.get();

    t.advance(101);
    const next = await t.value.get();

    expect(next.value).toBe("v2");
    expect(next.version).toBe(2);
  });

  it("serves a stale snapshot at once while a background refresh runs (stale-while-revalidate)", async () => {
    const t = setup({ ttlMs: 100, maxStaleMs: 1_000 });
    await t.value.get();
    t.holdLoads();
    t.advance(500);

    const stale = await t.value.get();
    const alsoStale = await t.value.get();
    const joined = t.value.refresh(); // joins the background load instead of starting another
    t.release();
    await joined;

    expect(stale.value).toBe("v1");
    expect(alsoStale.value).toBe("v1");
    expect(t.calls()).toBe(2);
    expect(t.value.peek()?.value).toBe("v2");
  });

  it("keeps serving the last snapshot when a refresh fails, and tells about it", async () => {
    const t = setup({ ttlMs: 100 });
    await t.value.get();
    t.failing(true);
    t.advance(101);

    const served = await t.value.get();

    expect(served.value).toBe("v1");
    expect(t.errors).toHaveLength(1);
  });

  it("does not retry a failed load before one TTL has passed", async () => {
    const t = setup({ ttlMs: 100 });
    await t.value.get();
    t.failing(true);
    t.advance(101);
    await t.value.get();

    await t.value.get();
    await t.value.get();
    const callsWhileBackingOff = t.calls();
    t.failing(false);
    t.advance(100);
    const recovered = await t.value.get();

    expect(callsWhileBackingOff).toBe(2);
    expect(recovered.value).toBe("v3");
  });

  it("rejects when there is nothing to serve and the first load fails", async () => {
    const t = setup();
    t.failing(true);

    await expect(t.value.get()).rejects.toThrow("load 1 failed");
    await expect(t.value.get()).rejects.toThrow("load 1 failed"); // backing off: the same error, no new load
    expect(t.calls()).toBe(1);
  });

  it("makes the next request wait for a fresh load after invalidate", async () => {
    const t = setup({ ttlMs: 10_000, maxStaleMs: 10_000 });
    await t.value.get();

    t.value.invalidate();
    const next = await t.value.get();

    expect(next.value).toBe("v2");
  });

  it("memoises derived values per snapshot", async () => {
    const t = setup({ ttlMs: 100 });
    const first = await t.value.get();
    let builds = 0;
    const build = () => {
      builds++;
      return { rendered: first.value };
    };

    const a = first.memo("page", build);
    const b = first.memo("page", build);
    t.advance(101);
    const second = await t.value.get();
    const c = second.memo("page", build);

    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(builds).toBe(2);
  });
});
