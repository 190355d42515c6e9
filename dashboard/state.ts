import pLimit from "p-limit";
import type { MonitoringConfig } from "../app/config/schema";
import type { HistoryDecodeCache } from "../app/history/decode-cache";
import { readStatusOverview, type StatusOverview } from "../app/monitor/status";
import { type AttemptRecord, readRemediationAttempts } from "../app/remediation/state";
import type { Store } from "../app/storage/store";
import { type HostReports, readHostReports } from "./fleet/host-reports";

/** Everything the dashboard pages show, read from the store in one go and cached as a snapshot. */
export interface DashboardState {
  overview: StatusOverview;
  /** Backup and log reports by host name. */
  reports: Record<string, HostReports>;
  /** Check remediation attempts, newest first, and a problem when their state is damaged. */
  remediation?: { attempts: AttemptRecord[]; problem?: string };
}

/**
 * Reads stored state only: never probes, never samples this machine. `decodeCache` carries parsed
 * history from one refresh to the next.
 */
export async function loadDashboardState(
  config: MonitoringConfig,
  store: Store,
  now: Date,
  decodeCache?: HistoryDecodeCache,
): Promise<DashboardState> {
  const [overview, remediation] = await Promise.all([
    readStatusOverview(config, store, { now, decodeCache }),
    readRemediationAttempts(store, now),
  ]);
  const limit = pLimit(8);
  const entries = await Promise.all(
    overview.hosts.map((h) => limit(async () => [h.host, await readHostReports(store, h.host)] as const)),
  );
  return { overview, reports: Object.fromEntries(entries), remediation };
}
