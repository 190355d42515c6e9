import { describe, expect, it } from "vitest";
import { findIncidents } from "../../../app/logs/incidents";
import { TimeBuckets } from "../../../app/logs/time-buckets";
import {
  createCursor,
  parseBsdTimestamp,
  parseClfTimestamp,
  parseIsoTimestamp,
  yearContext,
} from "../../../app/logs/timestamps";

const T0 = Date.UTC(2026, 2, 7, 14, 0, 0);
const MINUTE = 60_000;

/** Buckets with `errors[i]` errors (and 100 lines) in minute i, each error 1 s apart from :05. */
function timeline(errors: number[]): TimeBuckets {
  const buckets = new TimeBuckets();
  errors.forEach((count, minute) => {
    for (let line = 0; line < 100; line++) buckets.add(T0 + minute * MINUTE + line * 100, false);
    for (let e = 0; e < count; e++) buckets.add(T0 + minute * MINUTE + 5000 + e * 1000, true);
  });
  return buckets;
}

describe("incidents", () => {
  it("is a span of minutes at or over the threshold, from its first to its last error", () => {
    const incidents = findIncidents(timeline([0, 2, 12, 30, 11, 1, 0]).buckets(), {
      errorsPerMinute: 10,
      mergeGapMinutes: 0,
    });
    expect(incidents).toEqual([
      {
        start: new Date(T0 + 2 * MINUTE + 5000).toISOString(),
        end: new Date(T0 + 4 * MINUTE + 5000 + 10_000).toISOString(),
        durationMs: 2 * MINUTE + 10_000,
        errors: 53,
        lines: 353,
        peakErrorsPerMinute: 30,
        hotMinutes: 3,
      },
    ]);
  });

  it("joins hot minutes across short calm gaps and splits them across longer ones", () => {
    const buckets = timeline([20, 0, 20, 0, 0, 20]).buckets();
    expect(
      findIncidents(buckets, { errorsPerMinute: 10, mergeGapMinutes: 1 }).map((i) => i.hotMinutes),
    ).toEqual([2, 1]);
    expect(
      findIncidents(buckets, { errorsPerMinute: 10, mergeGapMinutes: 0 }).map((i) => i.hotMinutes),
    ).toEqual([1, 1, 1]);
  });

  it("finds none when no minute reaches the threshold", () => {
    expect(findIncidents(timeline([9, 9, 9]).buckets(), { errorsPerMinute: 10, mergeGapMinutes: 1 })).toEqual(
      [],
    );
  });
});

describe("time buckets", () => {
  it("counts per minute across days and merges like one pass", () => {
    const a = new TimeBuckets();
    const b = new TimeBuckets();
    a.add(T0, true);
    b.add(T0 + 30_000, true);
    b.add(T0 + 86_400_000, false);
    a.mergeSnapshot(b.snapshot());
    expect(a.buckets()).toEqual([
      { minute: T0 / MINUTE, lines: 2, errors: 2, firstError: T0, lastError: T0 + 30_000 },
      { minute: T0 / MINUTE + 1440, lines: 1, errors: 0, firstError: Number.NaN, lastError: Number.NaN },
    ]);
  });

  it("counts lines on days beyond its limit as dropped", () => {
    const buckets = new TimeBuckets(2);
    for (let day = 0; day < 4; day++) buckets.add(T0 + day * 86_400_000, false);
    expect([buckets.days, buckets.dropped]).toEqual([2, 2]);
  });
});

describe("timestamps", () => {
  const cursor = createCursor();
  const iso = (text: string, offset = 0) =>
    parseIsoTimestamp(Buffer.from(text), 0, text.length, offset, cursor)
      ? new Date(cursor.ts).toISOString()
      : null;

  it.each([
    ["2026-03-07T14:03:22Z", "2026-03-07T14:03:22.000Z"],
    ["2026-03-07T14:03:22.5+02:00", "2026-03-07T12:03:22.500Z"],
    ["2026-03-07 14:03:22,123456 rest", "2026-03-07T14:03:22.123Z"],
    ["2026-03-07T14:03-0130", "2026-03-07T15:33:00.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
  ])("reads ISO time %s", (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it("reads zone-less ISO time at the assumed offset", () => {
    expect(iso("2026-03-07 14:03:22", 60)).toBe("2026-03-07T13:03:22.000Z");
  });

  it.each(["2026-13-07T14:03:22Z", "2026-03-07T25:03:22Z", "2026-03-07X14:03:22", "20260307T140322Z"])(
    "rejects %s",
    (text) => {
      expect(iso(text)).toBeNull();
    },
  );

  it("reads access-log time with its zone", () => {
    const text = "07/Mar/2026:15:03:22 +0100";
    expect(parseClfTimestamp(Buffer.from(text), 0, text.length, cursor)).toBe(true);
    expect(new Date(cursor.ts).toISOString()).toBe("2026-03-07T14:03:22.000Z");
  });

  it("reuses the previous line's BSD time only for the very same bytes", () => {
    const context = yearContext(Date.UTC(2026, 5, 1), 0);
    const times = [
      "Mar  7 14:03:22 a",
      "Mar  7 14:03:22 b",
      "Mar  7 14:03:22.500 c",
      "Mar  7 14:03:23 d",
    ].map((text) => {
      expect(parseBsdTimestamp(Buffer.from(text), 0, text.length, context, cursor)).toBe(true);
      return cursor.ts - Date.UTC(2026, 2, 7, 14, 3, 22);
    });
    expect(times).toEqual([0, 0, 500, 1000]);
  });

  it("remembers the last BSD time it parsed, so the next line in that second skips the parse", () => {
    const context = yearContext(Date.UTC(2026, 5, 1), 0);
    const first = "Mar  7 14:03:22 a";
    expect(parseBsdTimestamp(Buffer.from(first), 0, first.length, context, cursor)).toBe(true);
    expect(context.lastLength).toBe(15);
    expect(context.lastTs).toBe(Date.UTC(2026, 2, 7, 14, 3, 22));
    // A marked cached time shows the second line was answered from the cache.
    context.lastTs = 42;
    const second = "Mar  7 14:03:22 b";
    expect(parseBsdTimestamp(Buffer.from(second), 0, second.length, context, cursor)).toBe(true);
    expect(cursor.ts).toBe(42);
    expect(cursor.end).toBe(15);
  });

  it("reads BSD syslog time with single-digit and padded days", () => {
    const context = yearContext(Date.UTC(2026, 5, 1), 0);
    for (const text of ["Mar  7 14:03:22", "Mar 07 14:03:22", "Mar 7 14:03:22"]) {
      expect(parseBsdTimestamp(Buffer.from(text), 0, text.length, context, cursor)).toBe(true);
      expect(new Date(cursor.ts).toISOString()).toBe("2026-03-07T14:03:22.000Z");
    }
  });
});
