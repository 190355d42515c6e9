import type { LatencyPoint } from "../../app/history/stats";
import { duration, timestamp } from "./format";
import { type Html, html } from "./html";

const WIDTH = 600;
const DEFAULT_HEIGHT = 140;
const LEFT = 48;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 22;

export interface ChartOptions {
  /** Right edge of the chart (the snapshot time). */
  now: Date;
  hours: number;
  bucketMs: number;
  label: string;
  /** Draw a dot with a tooltip per bucket (the check page); the status page draws the line only. */
  dots?: boolean;
  /** Height in viewBox units (the width is 600); the status page uses a flatter chart. */
  height?: number;
}

/** A round axis maximum above `value`: 1, 2, 5 × 10ⁿ. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

interface PlotPoint {
  x: number;
  y: number;
  /** True when the previous bucket is missing: the line breaks here. */
  breakBefore: boolean;
}

/**
 * Where each average response time lands in the plot (pure). The line breaks where the gap to the
 * previous point is well above the usual spacing (three times the median, and more than a bucket
 * and a half), so missing data shows as a gap, not as a slope, whatever the check interval.
 */
export function plotPoints(
  points: readonly LatencyPoint[],
  options: ChartOptions,
  yMax: number,
): PlotPoint[] {
  const end = options.now.getTime();
  const start = end - options.hours * 3_600_000;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = (options.height ?? DEFAULT_HEIGHT) - TOP - BOTTOM;
  const times = points.map((p) => Date.parse(p.at) + options.bucketMs / 2);
  const gaps = times
    .slice(1)
    .map((t, i) => t - (times[i] as number))
    .sort((a, b) => a - b);
  const usual = gaps[Math.floor(gaps.length / 2)] ?? options.bucketMs;
  const breakAfter = Math.max(options.bucketMs * 1.5, usual * 3);
  return times.map((t, i) => ({
    x: round(LEFT + (Math.min(Math.max(t - start, 0), end - start) / (end - start)) * plotW),
    y: round(TOP + plotH - (Math.min((points[i] as LatencyPoint).avgMs, yMax) / yMax) * plotH),
    breakBefore: i === 0 || t - (times[i - 1] as number) > breakAfter,
  }));
}

/** SVG path data for plot points: `M` where the line (re)starts, `L` where it continues. */
export function pathData(points: readonly PlotPoint[]): string {
  return points.map((p) => `${p.breakBefore ? "M" : "L"}${p.x} ${p.y}`).join(" ");
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Server-rendered SVG line chart of average response time over the last `hours`. */
export function latencyChart(points: readonly LatencyPoint[], options: ChartOptions): Html {
  if (points.length === 0) {
    return html`<p class="chart-empty">No response times in the last ${options.hours} hours.</p>`;
  }
  const yMax = niceCeiling(Math.max(...points.map((p) => p.avgMs)));
  const height = options.height ?? DEFAULT_HEIGHT;
  const plotH = height - TOP - BOTTOM;
  const grid = [0, 0.5, 1].map((f) => {
    const y = (TOP + plotH - f * plotH).toFixed(1);
    return html`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}"></line><text class="axis" x="${LEFT - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${duration(f * yMax)}</text>`;
  });
  const xLabels = [
    [LEFT, "start", `${options.hours} h ago`],
    [(LEFT + WIDTH - RIGHT) / 2, "middle", `${options.hours / 2} h ago`],
    [WIDTH - RIGHT, "end", "now"],
  ] as const;
  const plotted = plotPoints(points, options, yMax);
  // A point with no neighbour draws no line, so it always gets a dot.
  const isolated = (i: number) => plotted[i]?.breakBefore && (plotted[i + 1]?.breakBefore ?? true);
  const dots = points.map((p, i) => {
    if (!options.dots && !isolated(i)) return "";
    const { x, y } = plotted[i] as PlotPoint;
    return html`<circle class="latency-dot" cx="${x}" cy="${y}" r="2.5"><title>${timestamp(p.at)}: avg ${duration(p.avgMs)}, max ${duration(p.maxMs)} (${p.count} results)</title></circle>`;
  });
  return html`<svg class="latency-chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${options.label}">${grid}${xLabels.map(([x, anchor, text]) => html`<text class="axis" x="${x}" y="${height - 6}" text-anchor="${anchor}">${text}</text>`)}<path class="latency-line" d="${pathData(plotted)}"></path>${dots}</svg>`;
}
