import { z } from "zod";
import type { BackupMetricsSource } from "../metrics/prometheus";
import { readStoredJson } from "../storage/read-json";
import type { Store } from "../storage/store";
import { recordedStaleAfterMs } from "./freshness";

/**
 * Reading a host's backup summary (`hosts/<host>.backup.json`, written by state.ts) the way its
 * consumers do: the dashboard (fleet view and /metrics) for every host, the agent's own /metrics
 * registry for its host. Only the fields they show are read; anything else in the file is ignored,
 * so the writer may add more.
 */
export const hostBackupReportSchema = z.object({
  updatedAt: z.iso.datetime({ offset: true }).optional(),
  /** Records the writer could not read. */
  problems: z.array(z.string()).optional(),
  jobs: z.array(
    z.object({
      label: z.string(),
      lastSuccess: z
        .object({
          completedAt: z.iso.datetime({ offset: true }),
          size: z.number().nonnegative(),
          /** The job's staleness threshold (absent: the default, freshness.ts). */
          staleAfterMs: z.number().positive().optional(),
        })
        .optional(),
      lastFailure: z.object({ failedAt: z.iso.datetime({ offset: true }), error: z.string() }).optional(),
      lastVerify: z
        .object({
          checkedAt: z.iso.datetime({ offset: true }),
          ok: z.boolean(),
          problems: z.array(z.string()).optional(),
        })
        .optional(),
    }),
  ),
});

export type HostBackupReport = z.output<typeof hostBackupReportSchema>;

/** The summary's key (state.ts's backupSummaryKey, without its name check: readers take any host name). */
export const backupReportKey = (host: string) => `hosts/${host}.backup.json`;

export interface BackupReportRead {
  /** Absent when the host has no summary, or it could not be read. */
  report?: HostBackupReport;
  /** The summary is damaged, or lists records its writer could not read; each names the object. */
  problems: string[];
}

/** Reads a host's backup summary; an absent one is "no data", a damaged one a problem (never thrown). */
export async function readBackupReport(store: Store, host: string): Promise<BackupReportRead> {
  const key = backupReportKey(host);
  const { value, problem } = await readStoredJson(store, key, hostBackupReportSchema);
  return {
    ...(value ? { report: value } : {}),
    problems: [...(problem ? [problem] : []), ...(value?.problems ?? []).map((p) => `${key}: ${p}`)],
  };
}

/** The /metrics source of each job in a host's summary, with its threshold per freshness.ts. */
export function backupReportMetrics(
  host: string,
  report: HostBackupReport | undefined,
): BackupMetricsSource[] {
  return (report?.jobs ?? []).map((job) => ({ host, ...job, staleAfterMs: recordedStaleAfterMs(job) }));
}
