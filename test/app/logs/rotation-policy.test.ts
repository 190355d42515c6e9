import { describe, expect, it } from "vitest";
import {
  archiveBaseName,
  archiveStamp,
  decideRotation,
  parseArchiveName,
  selectExpired,
} from "../../../app/logs/rotation-policy";

const NOW = Date.UTC(2026, 2, 7, 14, 3, 22);
const DAY = 86_400_000;

describe("when a log is due", () => {
  it.each([
    [{ size: 0, lastRotationMs: 0 }, { maxBytes: 1 }, false, "empty"],
    [{ size: 10_485_760, lastRotationMs: NOW }, { maxBytes: 10_485_760 }, true, "size 10.0 MiB ≥ 10.0 MiB"],
    [
      { size: 100, lastRotationMs: NOW - 2 * DAY },
      { maxBytes: 1000, maxAgeMs: DAY },
      true,
      "age 2.0 d ≥ 1.0 d",
    ],
    [{ size: 100, lastRotationMs: NOW - 1000 }, { maxBytes: 1000, maxAgeMs: DAY }, false, "not due"],
    [
      { size: 100, lastRotationMs: Number.NaN },
      { maxAgeMs: DAY },
      false,
      "age unknown (no archive yet and no creation time)",
    ],
  ])("decides %j with %j: rotate=%s (%s)", (facts, triggers, rotate, reason) => {
    expect(decideRotation(facts, triggers, NOW)).toEqual({ rotate, reason });
  });
});

describe("archive names", () => {
  it("stamps archives with the UTC time and reads the stamp back", () => {
    expect(archiveStamp(NOW)).toBe("20260307T140322Z");
    expect(parseArchiveName("app.log", "app.log.20260307T140322Z.gz")).toEqual({
      name: "app.log.20260307T140322Z.gz",
      timeMs: NOW,
      sequence: 0,
      compressed: true,
    });
    expect(parseArchiveName("app.log", "app.log.20260307T140322Z-2")?.sequence).toBe(2);
    expect(parseArchiveName("app.log", "app.log.1")).toBeNull();
    expect(parseArchiveName("app.log", "other.log.20260307T140322Z.gz")).toBeNull();
    expect(parseArchiveName("a.log", "a-log.20260307T140322Z")).toBeNull();
  });

  it("gives a second rotation within the same second its own name", () => {
    const taken = new Set(["app.log.20260307T140322Z.gz"]);
    expect(archiveBaseName("app.log", NOW, taken)).toBe("app.log.20260307T140322Z-1");
    expect(archiveBaseName("app.log", NOW, new Set())).toBe("app.log.20260307T140322Z");
  });
});

describe("retention", () => {
  const archives = [0, 1, 2, 3, 10].map((days) => ({
    name: `app.log.${archiveStamp(NOW - days * DAY)}.gz`,
    timeMs: NOW - days * DAY,
    sequence: 0,
    compressed: true,
  }));

  it("keeps the newest N archives", () => {
    expect(selectExpired(archives, { keep: 3 }, NOW).map((a) => a.timeMs)).toEqual([
      NOW - 3 * DAY,
      NOW - 10 * DAY,
    ]);
  });

  it("drops archives older than the maximum age", () => {
    expect(selectExpired(archives, { maxArchiveAgeMs: 5 * DAY }, NOW).map((a) => a.timeMs)).toEqual([
      NOW - 10 * DAY,
    ]);
  });

  it("keeps everything without a rule", () => {
    expect(selectExpired(archives, {}, NOW)).toEqual([]);
  });
});
