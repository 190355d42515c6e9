import { describe, expect, it } from "vitest";
import { describeSchedule, nextBackupAt, nextDailyTime } from "../../../app/agent";

const at = (iso: string) => new Date(iso);
const start = at("2026-11-21T10:00:00Z");

describe("backup schedule", () => {
  it.each([
    ["never succeeded: at once", { intervalMinutes: 60 }, {}, "2026-11-21T10:00:00.000Z"],
    [
      "an interval after the start of the last success",
      { intervalMinutes: 60 },
      { lastSuccessStartedAt: at("2026-11-21T09:30:00Z") },
      "2026-11-21T10:30:00.000Z",
    ],
    [
      "an overdue interval job: due now (the time is already past)",
      { intervalMinutes: 60 },
      { lastSuccessStartedAt: at("2026-11-20T09:00:00Z") },
      "2026-11-20T10:00:00.000Z",
    ],
    [
      "daily, never succeeded: the next such time after the agent started",
      { at: "02:30" },
      {},
      "2026-11-22T02:30:00.000Z",
    ],
    [
      "daily: the first such time after the last success, so a missed one is caught up",
      { at: "02:30" },
      { lastSuccessStartedAt: at("2026-11-20T02:30:00Z") },
      "2026-11-21T02:30:00.000Z",
    ],
    [
      "after a failure: an hour later, not at once",
      { intervalMinutes: 1440 },
      { lastSuccessStartedAt: at("2026-11-19T10:00:00Z"), lastFailureAt: at("2026-11-21T10:05:00Z") },
      "2026-11-21T11:05:00.000Z",
    ],
    [
      "after a failure of a frequent job: one interval later",
      { intervalMinutes: 10 },
      { lastFailureAt: at("2026-11-21T10:05:00Z") },
      "2026-11-21T10:15:00.000Z",
    ],
  ])("%s", (_name, job, history, expected) => {
    expect(nextBackupAt(job, history, start).toISOString()).toBe(expected);
  });

  it("finds the next daily time strictly after a moment, in UTC", () => {
    expect(nextDailyTime("02:30", at("2026-11-21T02:29:59Z")).toISOString()).toBe("2026-11-21T02:30:00.000Z");
    expect(nextDailyTime("02:30", at("2026-11-21T02:30:00Z")).toISOString()).toBe("2026-11-22T02:30:00.000Z");
    expect(nextDailyTime("00:00", at("2026-12-31T23:59:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("describes a schedule for people", () => {
    expect(describeSchedule({ at: "02:30" })).toBe("daily at 02:30 UTC");
    expect(describeSchedule({ intervalMinutes: 360 })).toBe("every 360 min");
    expect(describeSchedule({})).toBe("every 1440 min");
  });
});
