import type { OverallStatus } from "../../app/monitor/status";
import { type Html, html } from "./html";

const COLORS = {
  up: "#1f9d55",
  degraded: "#d69e2e",
  down: "#d64545",
  unknown: "#8a94a3",
} as const;

const MAX_LABEL = 40;

/** Approximate width of 11px sans-serif text; badges need not be pixel-exact. */
function textWidth(text: string): number {
  return Math.ceil(text.length * 6.6) + 12;
}

/** A flat two-part badge (label | value) in the familiar shields.io shape. */
export function badge(label: string, value: string, color: string): Html {
  const left = label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
  const lw = textWidth(left);
  const rw = textWidth(value);
  const w = lw + rw;
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${left}: ${value}"><title>${left}: ${value}</title><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${rw}" height="20" fill="${color}"/><g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="${lw / 2}" y="14">${left}</text><text x="${lw + rw / 2}" y="14">${value}</text></g></svg>`;
}

export function statusBadge(name: string, status: OverallStatus): Html {
  return badge(name, status === "unknown" ? "no data" : status, COLORS[status]);
}

/** Green from 99.9%, amber from 99%, red below; grey without data. */
export function uptimeColor(ratio: number | null): string {
  if (ratio === null) return COLORS.unknown;
  if (ratio >= 0.999) return COLORS.up;
  if (ratio >= 0.99) return COLORS.degraded;
  return COLORS.down;
}
