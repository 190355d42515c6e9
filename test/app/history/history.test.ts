import { describe, expect, it } from "vitest";
import type { CheckResult, CheckStatus } from "../../../app/checks";
import {
  compactHistory,
  dailyKey,
  decodeEntries,
  loadCheckHistory,
  ROUNDS_PREFIX,
  readCheckHistory,
  readLatest,
  readSummary,
  responseTimes,
  writeRound,
} from "../../../app/history";
import { LocalStore, type Store } from "../../../app/storage";
import { useStoreBackends } from "../../support/store-backends";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function result(
  checkId: string,
  at: Date,
  status: CheckStatus,
  durationMs = 20,
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    checkId,
    type: "http",
    status,
    startedAt: at.toISOString(),
    durationMs,
    attempts: 1,
    message: status === "up" ? "OK" : "status 500, expected 2xx",
    conditions: [{ name: "status", passed: status !== "down", severity: "down" }],
    ...extra,
  };
}

async function keysUnder(store: Store, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.list(prefix)) keys.push(o.key);
  return keys;
}

/** Writes one round per (time, statuses) pair; round ids are made unique per call. */
async function writeRounds(store: Store, rounds: Array<[Date, Record<string, CheckStatus>]>): Promise<void> {
  let n = 0;
  for (const [at, statuses] of rounds) {
    await writeRound(store, {
      roundId: `r${(n++).toString().padStart(5, "0")}${Math.random().toString(16).slice(2, 6)}`,
      finishedAt: new Date(at.getTime() + 1_000),
      results: Object.entries(statuses).map(([id, status]) => result(id, at, status)),
    });
  }
}

/** Counts reads, to pin down what a cold dashboard read costs. */
function countingStore(inner: Store): Store & { gets: number; lists: number } {
  const counter = {
    gets: 0,
    lists: 0,
    location: inner.location,
    get: (key: string) => {
      counter.gets++;
      return inner.get(key);
    },
    list: (prefix: string) => {
      counter.lists++;
      return inner.list(prefix);
    },
    put: inner.put.bind(inner),
    putStream: inner.putStream.bind(inner),
    getStream: inner.getStream.bind(inner),
    head: inner.head.bind(inner),
    delete: inner.delete.bind(inner),
  };
  return counter;
}

const { backends, tempDir } = useStoreBackends("opsdeck-history", { prefix: "opsdeck" });

const t0 = new Date("2026-11-20T10:00:00Z");

describe.each(backends)("check history on %s", (_name, makeStore) => {
  it("writes one object per round, so overlapping rounds keep each other's results", async () => {
    const store = await makeStore();
    const finishedAt = new Date(t0.getTime() + 5_000);

    await Promise.all([
      writeRound(store, { roundId: "aaaa", finishedAt, results: [result("web", t0, "up")] }),
      writeRound(store, {
        roundId: "bbbb",
        finishedAt,
        results: [result("web", new Date(t0.getTime() + 1), "down")],
      }),
    ]);

    expect(await keysUnder(store, ROUNDS_PREFIX)).toHaveLength(2);
    const history = await readCheckHistory(store, "web", { from: t0, to: new Date(t0.getTime() + HOUR) });
    expect(history.map((e) => [e.round, e.status])).toEqual([
      ["aaaa", "up"],
      ["bbbb", "down"],
    ]);
  });

  it("keeps the newest result of every check in the latest snapshot", async () => {
    const store = await makeStore();
    await writeRound(store, {
      roundId: "r1",
      finishedAt: t0,
      results: [result("web", t0, "up"), result("api", t0, "up")],
    });

    await writeRound(store, {
      roundId: "r2",
      finishedAt: t0,
      results: [result("web", new Date(t0.getTime() + 60_000), "down")],
    });

    const latest = await readLatest(store);
    expect(latest?.results.web?.status).toBe("down");
    expect(latest?.results.api?.status).toBe("up");
  });

  it("compacts rounds into daily JSON Lines per check and removes the merged rounds", async () => {
    const store = await makeStore();
    await writeRounds(store, [
      [t0, { web: "up", api: "up" }],
      [new Date(t0.getTime() + 60_000), { web: "down", api: "up" }],
    ]);

    const report = await compactHistory(store, { retentionDays: 90, now: new Date(t0.getTime() + HOUR) });

    expect(report).toMatchObject({ roundsMerged: 2, roundsKept: 0, dailyFilesWritten: 2, yielded: false });
    expect(await keysUnder(store, ROUNDS_PREFIX)).toEqual([]);
    const web = decodeEntries((await store.get(dailyKey("web", "2026-11-20")))?.toString() ?? "").entries;
    expect(web.map((e) => e.status)).toEqual(["up", "down"]);
    expect((await readSummary(store, "web"))?.days["2026-11-20"]).toMatchObject({ total: 2, up: 1, down: 1 });
  });

  it("compacting again changes nothing (idempotent)", async () => {
    const store = await makeStore();
    await writeRounds(store, [[t0, { web: "up" }]]);
    const now = new Date(t0.getTime() + HOUR);
    await compactHistory(store, { retentionDays: 90, now });
    const before = (await store.get(dailyKey("web", "2026-11-20")))?.toString();

    const again = await compactHistory(store, { retentionDays: 90, now });

    expect(again).toMatchObject({ roundsMerged: 0, dailyFilesWritten: 0, summariesWritten: 0 });
    expect((await store.get(dailyKey("web", "2026-11-20")))?.toString()).toBe(before);
  });

  it("loses nothing when two compactions race each other", async () => {
    const store = await makeStore();
    const rounds: Array<[Date, Record<string, CheckStatus>]> = Array.from({ length: 12 }, (_, i) => [
      new Date(t0.getTime() + i * 60_000),
      { web: i % 3 === 0 ? "down" : "up", api: "up" },
    ]);
    await writeRounds(store, rounds);
    const now = new Date(t0.getTime() + HOUR);

    // s3rver (unlike S3) is not atomic under a concurrent read and write of one key, so a racer may
    // fail there; a failed compaction must still lose nothing, and the next run finishes the job.
    await Promise.allSettled([
      compactHistory(store, { retentionDays: 90, now }),
      compactHistory(store, { retentionDays: 90, now }),
    ]);
    await compactHistory(store, { retentionDays: 90, now });

    const web = await readCheckHistory(store, "web", { from: t0, to: now });
    expect(web).toHaveLength(12);
    expect(web.filter((e) => e.status === "down")).toHaveLength(4);
    expect(await keysUnder(store, ROUNDS_PREFIX)).toEqual([]);
  });

  it("leaves rounds younger than the grace period for a later run, and reads them meanwhile", async () => {
    const store = await makeStore();
    await writeRounds(store, [
      [t0, { web: "up" }],
      [new Date(t0.getTime() + 10 * 60_000), { web: "down" }],
    ]);
    const now = new Date(t0.getTime() + 11 * 60_000);

    const report = await compactHistory(store, { retentionDays: 90, now });

    expect(report.roundsMerged).toBe(1);
    expect(await keysUnder(store, ROUNDS_PREFIX)).toHaveLength(1);
    const history = await readCheckHistory(store, "web", { from: t0, to: now });
    expect(history.map((e) => e.status)).toEqual(["up", "down"]);
  });

  it("deletes daily files past the retention window and drops them from the summary", async () => {
    const store = await makeStore();
    await writeRounds(store, [
      [new Date(t0.getTime() - 5 * DAY), { web: "up" }],
      [new Date(t0.getTime() - 1 * DAY), { web: "up" }],
      [t0, { web: "down" }],
    ]);

    const report = await compactHistory(store, { retentionDays: 3, now: new Date(t0.getTime() + HOUR) });

    expect(report.dailyFilesDeleted).toBe(1);
    expect((await keysUnder(store, "checks/web/")).sort()).toEqual([
      "checks/web/2026-11-19.jsonl",
      "checks/web/2026-11-20.jsonl",
      "checks/web/summary.json",
    ]);
    expect(Object.keys((await readSummary(store, "web"))?.days ?? {}).sort()).toEqual([
      "2026-11-19",
      "2026-11-20",
    ]);
  });

  it("skips a damaged history line instead of failing the whole day", async () => {
    const store = await makeStore();
    await writeRounds(store, [[t0, { web: "up" }]]);
    await compactHistory(store, { retentionDays: 90, now: new Date(t0.getTime() + HOUR) });
    const key = dailyKey("web", "2026-11-20");
    await store.put(key, `${(await store.get(key))?.toString()}{"torn": \nnot json\n`);

    const history = await readCheckHistory(store, "web", { from: t0, to: new Date(t0.getTime() + HOUR) });

    expect(history).toHaveLength(1);
  });
});

describe("uptime and response times", () => {
  it("computes 24h/7d/30d/90d uptime and a 90-day series, leaving maintenance out", async () => {
    const store = new LocalStore(await tempDir());
    const now = new Date("2026-11-20T12:00:00Z");
    // 10 days ago: 4 results, 1 down. 3 days ago: 2 up. Today: 3 up, 1 down, 1 during maintenance.
    const rounds: Array<[Date, Record<string, CheckStatus>]> = [
      ...(["up", "up", "up", "down"] as const).map((s, i): [Date, Record<string, CheckStatus>] => [
        new Date(now.getTime() - 10 * DAY + i * 60_000),
        { web: s },
      ]),
      [new Date(now.getTime() - 3 * DAY), { web: "up" }],
      [new Date(now.getTime() - 3 * DAY + 60_000), { web: "up" }],
      ...(["up", "down", "up", "up"] as const).map((s, i): [Date, Record<string, CheckStatus>] => [
        new Date(now.getTime() - 2 * HOUR + i * 60_000),
        { web: s },
      ]),
    ];
    await writeRounds(store, rounds);
    await writeRound(store, {
      roundId: "maint",
      finishedAt: new Date(now.getTime() - HOUR),
      results: [result("web", new Date(now.getTime() - HOUR), "down", 20, { maintenance: "upgrade" })],
    });
    await compactHistory(store, { retentionDays: 90, now });

    const view = await loadCheckHistory(store, "web", { now });

    expect(view.uptime["24h"]).toMatchObject({ ratio: 0.75, total: 5, down: 1, maintenance: 1 });
    expect(view.uptime["7d"].ratio).toBeCloseTo(5 / 6);
    expect(view.uptime["30d"].ratio).toBeCloseTo(8 / 10);
    expect(view.uptime["90d"]).toEqual(view.uptime["30d"]);
    expect(view.days).toHaveLength(90);
    expect(view.days.at(-1)).toMatchObject({ day: "2026-11-20", total: 5, uptime: 0.75 });
    expect(view.days.at(-11)).toMatchObject({ day: "2026-11-10", total: 4, uptime: 0.75 });
    expect(view.days.at(-2)).toMatchObject({ total: 0, uptime: null });
  });

  it("reads 90 days of history cold with a handful of store reads", async () => {
    const inner = new LocalStore(await tempDir());
    const now = new Date("2026-11-20T12:00:00Z");
    const rounds: Array<[Date, Record<string, CheckStatus>]> = Array.from({ length: 90 }, (_, d) => [
      new Date(now.getTime() - d * DAY - HOUR),
      { web: "up" },
    ]);
    await writeRounds(inner, rounds);
    await compactHistory(inner, { retentionDays: 90, now });
    const store = countingStore(inner);

    const view = await loadCheckHistory(store, "web", { now });

    expect(view.days.filter((d) => d.total > 0)).toHaveLength(90);
    expect(view.uptime["90d"].ratio).toBe(1);
    expect(store.gets).toBeLessThanOrEqual(3);
    expect(store.lists).toBe(1);
  });

  it("buckets response times, leaving out down results", async () => {
    const store = new LocalStore(await tempDir());
    const now = new Date("2026-11-20T12:00:00Z");
    const at = (min: number) => new Date(now.getTime() - HOUR + min * 60_000);
    await writeRound(store, {
      roundId: "a",
      finishedAt: at(0),
      results: [result("web", at(0), "up", 10), result("api", at(0), "up", 99)],
    });
    await writeRound(store, { roundId: "b", finishedAt: at(1), results: [result("web", at(1), "up", 30)] });
    await writeRound(store, {
      roundId: "c",
      finishedAt: at(2),
      results: [result("web", at(2), "down", 5000)],
    });
    await writeRound(store, {
      roundId: "d",
      finishedAt: at(20),
      results: [result("web", at(20), "degraded", 50)],
    });

    const series = responseTimes(await loadCheckHistory(store, "web", { now }), {
      now,
      hours: 2,
      bucketMs: 10 * 60_000,
    });

    expect(series).toEqual([
      { at: "2026-11-20T11:00:00.000Z", avgMs: 20, maxMs: 30, count: 2 },
      { at: "2026-11-20T11:20:00.000Z", avgMs: 50, maxMs: 50, count: 1 },
    ]);
  });
});
