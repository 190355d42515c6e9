import { describe, expect, it } from "vitest";
import type { LatencyPoint } from "../../../app/history/stats";
import { latencyChart, niceCeiling, pathData, plotPoints } from "../../../dashboard/views/latency-chart";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const options = { now: NOW, hours: 24, bucketMs: 600_000, label: "Response time" };
const point = (minutesAgo: number, avgMs: number): LatencyPoint => ({
  at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
  avgMs,
  maxMs: avgMs,
  count: 1,
});

describe("response-time chart", () => {
  it.each([
    [0, 1],
    [7, 10],
    [87, 100],
    [101, 200],
    [420, 500],
    [1_500, 2_000],
  ])("rounds an axis maximum of %d ms up to %d ms", (value, expected) => {
    expect(niceCeiling(value)).toBe(expected);
  });

  it("joins points at the usual interval and breaks the line over a gap", () => {
    const points = [
      point(70, 100),
      point(60, 100),
      point(50, 100),
      /* 40 min gap */ point(10, 50),
      point(0, 50),
    ];

    const plotted = plotPoints(points, options, 100);

    expect(plotted.map((p) => p.breakBefore)).toEqual([true, false, false, true, false]);
    expect(pathData(plotted)).toMatch(/^M\S+ \S+ L\S+ \S+ L\S+ \S+ M\S+ \S+ L\S+ \S+$/);
    expect(plotted[0]?.y).toBeLessThan(plotted[3]?.y as number); // slower is higher
  });

  it("keeps a sparse series (a check every 30 minutes) as one line", () => {
    const points = [point(120, 80), point(90, 80), point(60, 80), point(30, 80)];

    expect(plotPoints(points, options, 100).filter((p) => p.breakBefore)).toHaveLength(1);
  });

  it("says so when there are no response times instead of drawing an empty chart", () => {
    expect(latencyChart([], options).toString()).toBe(
      '<p class="chart-empty">No response times in the last 24 hours.</p>',
    );
  });

  it("labels the axes and escapes the label", () => {
    const svg = latencyChart([point(30, 120), point(20, 180)], { ...options, label: "<x>" }).toString();

    expect(svg).toContain('aria-label="&lt;x&gt;"');
    expect(svg).toContain(">200 ms</text>");
    expect(svg).toContain(">24 h ago</text>");
    expect(svg).toContain(">now</text>");
  });
});
