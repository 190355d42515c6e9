import { describe, expect, it } from "vitest";
import { bytes, duration, percent, timestamp } from "../../../dashboard/views/format";

describe("formatting for people", () => {
  it.each([
    [null, "–"],
    [1, "100%"],
    [0.99999, "99.99%"],
    [0.5, "50.00%"],
    [0, "0.00%"],
  ])("shows uptime %s as %s, never rounding a failure up to 100%", (ratio, expected) => {
    expect(percent(ratio)).toBe(expected);
  });

  it.each([
    [87.4, "87 ms"],
    [1_240, "1.24 s"],
    [undefined, "–"],
  ])("shows a duration of %s ms as %s", (ms, expected) => {
    expect(duration(ms)).toBe(expected);
  });

  it.each([
    [512, "512 B"],
    [1_536, "1.5 KiB"],
    [5 * 1024 ** 3, "5.0 GiB"],
  ])("shows %d bytes as %s", (n, expected) => {
    expect(bytes(n)).toBe(expected);
  });

  it("shows timestamps in UTC and a dash for missing or invalid ones", () => {
    expect(timestamp("2026-11-21T10:00:05.123Z")).toBe("2026-11-21 10:00:05 UTC");
    expect(timestamp(undefined)).toBe("–");
    expect(timestamp("not a date")).toBe("–");
  });
});
