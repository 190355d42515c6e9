import { describe, expect, it } from "vitest";
import type { CheckResult, CheckStatus } from "../../../app/checks";
import { compactHistory, HistoryDecodeCache, loadCheckHistory, writeRound } from "../../../app/history";
import { decodeEntries, encodeEntries, type HistoryEntry, toHistoryEntry } from "../../../app/history/entry";
import { LocalStore } from "../../../app/storage";
import { useTempDirs } from "../../support/temp-dir";

const MINUTE = 60_000;
const now = new Date("2026-11-20T12:00:00Z");

function entry(minute: number, status: CheckStatus = "up"): HistoryEntry {
  const result: CheckResult = {
    checkId: "web",
    type: "http",
    status,
    startedAt: new Date(now.getTime() - minute * MINUTE).toISOString(),
    durationMs: 20 + minute,
    attempts: 1,
    message: status === "up" ? "OK" : "status 500",
    conditions: [],
  };
  return toHistoryEntry(result, `r${minute}`);
}

function body(entries: HistoryEntry[]): Buffer {
  return Buffer.from(encodeEntries(entries));
}

describe("HistoryDecodeCache", () => {
  it("hands out the entries it decoded before when an object's bytes did not change", () => {
    const cache = new HistoryDecodeCache();
    const first = cache.entries("checks/web/2026-11-20.jsonl", body([entry(3), entry(2)]));

    const again = cache.entries("checks/web/2026-11-20.jsonl", body([entry(3), entry(2)]));

    expect(again).toBe(first);
  });

  it("decodes only the lines added at the end of a grown object", () => {
    const cache = new HistoryDecodeCache();
    const key = "checks/web/2026-11-20.jsonl";
    const before = cache.entries(key, body([entry(3), entry(2)]));

    const after = cache.entries(key, body([entry(3), entry(2), entry(1, "down")]));

    expect(after).toEqual([entry(3), entry(2), entry(1, "down")]);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
  });

  it("decodes a rewritten object in full", () => {
    const cache = new HistoryDecodeCache();
    const key = "checks/web/2026-11-20.jsonl";
    cache.entries(key, body([entry(3), entry(2)]));

    const rewritten = cache.entries(key, body([entry(4), entry(3), entry(2)]));

    expect(rewritten).toEqual([entry(4), entry(3), entry(2)]);
  });

  it("decodes the last line again when it was cut short before the object grew", () => {
    const cache = new HistoryDecodeCache();
    const key = "checks/web/2026-11-20.jsonl";
    const whole = body([entry(3), entry(2)]);
    cache.entries(key, whole.subarray(0, whole.length - 10));

    const grown = cache.entries(key, whole);

    expect(grown).toEqual(decodeEntries(whole.toString()).entries);
  });

  it("forgets the objects not read since the previous sweep", () => {
    const cache = new HistoryDecodeCache();
    cache.entries("a.jsonl", body([entry(1)]));
    cache.entries("b.jsonl", body([entry(2)]));
    cache.sweep();
    cache.entries("a.jsonl", body([entry(1)]));

    cache.sweep();

    expect(cache.size).toBe(1);
  });
});

describe("loadCheckHistory with a decode cache", () => {
  const tempDir = useTempDirs("opsdeck-decode-cache");

  it("gives the same view as a cold read while rounds arrive and compaction rewrites the day", async () => {
    const store = new LocalStore(await tempDir());
    const cache = new HistoryDecodeCache();
    for (let minute = 30; minute >= 1; minute--) {
      const at = new Date(now.getTime() - minute * MINUTE);
      await writeRound(store, {
        roundId: `r${minute}`,
        finishedAt: new Date(at.getTime() + 1_000),
        results: [
          {
            checkId: "web",
            type: "http",
            status: minute % 7 === 0 ? "down" : "up",
            startedAt: at.toISOString(),
            durationMs: minute,
            attempts: 1,
            message: "OK",
            conditions: [],
          },
        ],
      });
      if (minute % 10 === 0) await compactHistory(store, { retentionDays: 90, now: at, graceMs: 0 });

      const cached = await loadCheckHistory(store, "web", { now, decodeCache: cache });
      const cold = await loadCheckHistory(store, "web", { now });

      expect(cached).toEqual(cold);
    }
  });
});
