import { describe, expect, it } from "vitest";
import { applyRetention, describePolicy, isoWeek, type RetentionPolicy } from "../../../app/backup/retention";

interface Snap {
  id: string;
  time: Date;
}

const snaps = (...times: string[]): Snap[] => times.map((t) => ({ id: t, time: new Date(t) }));
const keptIds = (items: Snap[], policy: RetentionPolicy) =>
  applyRetention(items, policy).keep.map((k) => k.item.id);

describe("applyRetention (restic forget semantics)", () => {
  const hourlyForThreeDays = snaps(
    "2026-11-19T08:00:00Z",
    "2026-11-19T20:00:00Z",
    "2026-11-20T08:00:00Z",
    "2026-11-20T20:00:00Z",
    "2026-11-21T08:00:00Z",
    "2026-11-21T20:00:00Z",
  );

  it.each<[string, Snap[], RetentionPolicy, string[]]>([
    [
      "keeps everything when the policy is empty",
      hourlyForThreeDays,
      {},
      hourlyForThreeDays.map((s) => s.id).reverse(),
    ],
    [
      "keeps the newest n with keepLast",
      hourlyForThreeDays,
      { keepLast: 2 },
      ["2026-11-21T20:00:00Z", "2026-11-21T08:00:00Z"],
    ],
    [
      "keeps the newest backup of each of the last n days that have backups",
      hourlyForThreeDays,
      { keepDaily: 2 },
      ["2026-11-21T20:00:00Z", "2026-11-20T20:00:00Z"],
    ],
    [
      "skips days without backups when counting days",
      snaps("2026-11-01T10:00:00Z", "2026-11-10T10:00:00Z", "2026-11-20T10:00:00Z", "2026-11-20T09:00:00Z"),
      { keepDaily: 2 },
      ["2026-11-20T10:00:00Z", "2026-11-10T10:00:00Z"],
    ],
    [
      "also keeps the oldest backup while a policy has count left",
      hourlyForThreeDays,
      { keepDaily: 7 },
      ["2026-11-21T20:00:00Z", "2026-11-20T20:00:00Z", "2026-11-19T20:00:00Z", "2026-11-19T08:00:00Z"],
    ],
    [
      "treats 31 Dec 2026 and 1 Jan 2027 as the same ISO week",
      snaps("2026-12-31T12:00:00Z", "2027-01-01T12:00:00Z", "2026-12-20T12:00:00Z"),
      { keepWeekly: 1 },
      ["2027-01-01T12:00:00Z"],
    ],
    [
      "keeps one per month with keepMonthly",
      snaps("2026-09-05T00:00:00Z", "2026-09-25T00:00:00Z", "2026-10-05T00:00:00Z", "2026-11-05T00:00:00Z"),
      { keepMonthly: 2 },
      ["2026-11-05T00:00:00Z", "2026-10-05T00:00:00Z"],
    ],
    [
      "keeps one per day for every day with unlimited",
      hourlyForThreeDays,
      { keepDaily: "unlimited" },
      ["2026-11-21T20:00:00Z", "2026-11-20T20:00:00Z", "2026-11-19T20:00:00Z", "2026-11-19T08:00:00Z"],
    ],
    [
      "combines policies: a backup stays when any policy keeps it",
      hourlyForThreeDays,
      { keepLast: 1, keepDaily: 2 },
      ["2026-11-21T20:00:00Z", "2026-11-20T20:00:00Z"],
    ],
    [
      "keeps only the newest backup with keepYearly 1 inside one year",
      hourlyForThreeDays,
      { keepYearly: 1 },
      ["2026-11-21T20:00:00Z"],
    ],
  ])("%s", (_name, items, policy, expected) => {
    expect(keptIds(items, policy)).toEqual(expected);
  });

  it("counts a backup kept by several policies against each of them", () => {
    const decision = applyRetention(hourlyForThreeDays, { keepLast: 1, keepDaily: 1 });

    expect(decision.keep).toEqual([{ item: hourlyForThreeDays[5], reasons: ["last", "daily 2026-11-21"] }]);
    expect(decision.remove.map((s) => s.id)).toHaveLength(5);
  });

  it("labels the extra oldest backup as such", () => {
    const decision = applyRetention(hourlyForThreeDays, { keepDaily: 7 });

    expect(decision.keep.at(-1)?.reasons).toEqual(["oldest daily 2026-11-19"]);
  });

  it("gives the same answer whatever order the backups come in", () => {
    const shuffled = [3, 0, 5, 1, 4, 2].map((i) => hourlyForThreeDays[i] as Snap);

    expect(keptIds(shuffled, { keepDaily: 2, keepLast: 1 })).toEqual(
      keptIds(hourlyForThreeDays, { keepDaily: 2, keepLast: 1 }),
    );
  });

  it("never removes the newest backup", () => {
    for (const policy of [{ keepLast: 1 }, { keepHourly: 1 }, { keepMonthly: 1 }, { keepYearly: 1 }, {}]) {
      const decision = applyRetention(hourlyForThreeDays, policy);
      expect(decision.remove.map((s) => s.id)).not.toContain("2026-11-21T20:00:00Z");
    }
  });

  it("puts every backup in exactly one of keep and remove", () => {
    const decision = applyRetention(hourlyForThreeDays, { keepDaily: 1, keepWeekly: 1 });
    const all = [...decision.keep.map((k) => k.item.id), ...decision.remove.map((s) => s.id)].sort();

    expect(all).toEqual(hourlyForThreeDays.map((s) => s.id).sort());
  });
});

describe("isoWeek", () => {
  it.each([
    ["2026-01-01T00:00:00Z", "2026-W01"],
    ["2024-12-30T12:00:00Z", "2025-W01"],
    ["2021-01-03T23:59:59Z", "2020-W53"],
    ["2026-12-31T00:00:00Z", "2026-W53"],
    ["2026-11-21T05:00:00Z", "2026-W47"],
  ])("puts %s in %s", (time, week) => {
    expect(isoWeek(new Date(time))).toBe(week);
  });
});

describe("describePolicy", () => {
  it("reads like the dry-run header", () => {
    expect(describePolicy({ keepLast: 3, keepDaily: 7, keepMonthly: "unlimited" })).toBe(
      "keep 3 last, 7 daily, all monthly",
    );
    expect(describePolicy({})).toBe("keep everything (no policy)");
  });
});
