import type { MaintenanceWindow } from "./config";

/**
 * The maintenance window covering a check or host at `now`, if any (pure). A window that lists
 * neither checks nor hosts covers everything; one that lists only checks covers just those checks
 * (not every host), and one that lists only hosts covers just those hosts.
 */
export function activeWindow(
  windows: readonly MaintenanceWindow[],
  target: { checkId?: string; host?: string },
  now: Date,
): MaintenanceWindow | undefined {
  const t = now.getTime();
  return windows.find((w) => {
    if (t < w.start.getTime() || t >= w.end.getTime()) return false;
    const everything = w.checks.length === 0 && w.hosts.length === 0;
    if (target.checkId !== undefined) return everything || w.checks.includes(target.checkId);
    if (target.host !== undefined) return everything || w.hosts.includes(target.host);
    return false;
  });
}

/** Windows that have not ended yet, soonest first (for the dashboard). */
export function upcomingWindows(windows: readonly MaintenanceWindow[], now: Date): MaintenanceWindow[] {
  return windows
    .filter((w) => w.end.getTime() > now.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}
