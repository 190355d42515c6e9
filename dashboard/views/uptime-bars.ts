import type { DayView } from "../status/view-model";
import { percent } from "./format";
import { type Html, html } from "./html";

const BAR_WIDTH = 6;
const GAP = 2;
const HEIGHT = 30;

export type DayClass = "up" | "degraded" | "down" | "maintenance" | "none";

/**
 * How a day is coloured (pure): no data, only maintenance, all up, answered but degraded, or some
 * downtime (down once availability falls under 99%, degraded above).
 */
export function dayClass(day: DayView): DayClass {
  if (day.total === 0) return "none";
  if (day.uptime === null) return "maintenance";
  if (day.down === 0) return day.degraded === 0 ? "up" : "degraded";
  return day.uptime < 0.99 ? "down" : "degraded";
}

function dayTitle(day: DayView): string {
  if (day.total === 0) return `${day.day}: no data`;
  if (day.uptime === null) return `${day.day}: maintenance`;
  const problems = [day.down ? `${day.down} down` : "", day.degraded ? `${day.degraded} degraded` : ""]
    .filter(Boolean)
    .join(", ");
  return `${day.day}: ${percent(day.uptime)} of ${day.total} results${problems ? ` (${problems})` : ""}`;
}

/** One bar per day, oldest on the left, as server-rendered SVG with a tooltip per day. */
export function uptimeBars(days: readonly DayView[], label: string): Html {
  const width = days.length * (BAR_WIDTH + GAP) - GAP;
  const bars = days.map(
    (day, i) =>
      html`<rect class="bar bar-${dayClass(day)}" x="${i * (BAR_WIDTH + GAP)}" y="0" width="${BAR_WIDTH}" height="${HEIGHT}" rx="1"><title>${dayTitle(day)}</title></rect>`,
  );
  return html`<svg class="uptime-bars" viewBox="0 0 ${Math.max(width, 1)} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${label}">${bars}</svg>`;
}
