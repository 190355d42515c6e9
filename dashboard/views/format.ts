import { formatAge } from "../../app/hosts/heartbeat";
import type { OverallStatus } from "../../app/monitor/status";

/** "99.95%" (never rounded up to 100% while anything failed), "–" without data. */
export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "–";
  if (ratio >= 1) return "100%";
  return `${(Math.floor(ratio * 10_000) / 100).toFixed(2)}%`;
}

/** "87 ms", "1.24 s". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(2)} s`;
}

/** "2026-11-21 05:50:12 UTC": absolute, so a cached page never shows a wrong relative age. */
export function timestamp(iso: string | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "3m 20s ago". */
export function ago(ms: number | undefined): string {
  return ms === undefined ? "–" : `${formatAge(ms)} ago`;
}

/** "512 B", "1.5 KiB", "3.2 GiB". */
export function bytes(n: number | undefined): string {
  if (n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const STATUS_LABELS: Record<OverallStatus, string> = {
  up: "Up",
  degraded: "Degraded",
  down: "Down",
  unknown: "No data",
};

export function statusLabel(status: OverallStatus): string {
  return STATUS_LABELS[status];
}

const HEADLINES: Record<OverallStatus, string> = {
  up: "All systems operational",
  degraded: "Degraded performance",
  down: "Some systems are down",
  unknown: "No results yet",
};

export function headline(status: OverallStatus): string {
  return HEADLINES[status];
}
