import { describe, expect, it } from "vitest";
import type { DayView } from "../../../dashboard/status/view-model";
import { dayClass, uptimeBars } from "../../../dashboard/views/uptime-bars";

const day = (counts: Partial<DayView>): DayView => {
  const d = {
    day: "2026-11-20",
    total: 0,
    up: 0,
    degraded: 0,
    down: 0,
    maintenance: 0,
    avgMs: null,
    ...counts,
  };
  const judged = d.up + d.degraded + d.down;
  return {
    ...d,
    uptime: counts.uptime !== undefined ? counts.uptime : judged === 0 ? null : (d.up + d.degraded) / judged,
  };
};

describe("uptime bars", () => {
  it.each([
    ["no results", day({}), "none"],
    ["only maintenance", day({ total: 3, maintenance: 3 }), "maintenance"],
    ["all up", day({ total: 100, up: 100 }), "up"],
    ["answered but degraded", day({ total: 100, up: 90, degraded: 10 }), "degraded"],
    ["a short outage (≥ 99% up)", day({ total: 1000, up: 995, down: 5 }), "degraded"],
    ["a long outage (< 99% up)", day({ total: 100, up: 90, down: 10 }), "down"],
  ])("colours a day with %s as %s", (_label, input, expected) => {
    expect(dayClass(input)).toBe(expected);
  });

  it("draws one bar per day, oldest first, each with a tooltip", () => {
    const days = [
      day({ day: "2026-11-19", total: 2, up: 1, down: 1 }),
      day({ day: "2026-11-20", total: 1, up: 1 }),
    ];

    const svg = uptimeBars(days, "Uptime of <b>x</b>").toString();

    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('<rect class="bar bar-down" x="0"');
    expect(svg).toContain('<rect class="bar bar-up" x="8"');
    expect(svg).toContain("<title>2026-11-19: 50.00% of 2 results (1 down)</title>");
    expect(svg).toContain('aria-label="Uptime of &lt;b&gt;x&lt;/b&gt;"');
  });
});
