import { z } from "zod";
import { type HostBackupReport, readBackupReport } from "../../app/backup/report";
import { readStoredJson } from "../../app/storage/read-json";
import type { Store } from "../../app/storage/store";

// The backup summary's reader is shared with the agent's own /metrics registry (app/backup/report.ts).
export {
  backupReportKey,
  type HostBackupReport,
  hostBackupReportSchema,
} from "../../app/backup/report";

/** What the agent reports about a host's logs in `hosts/<host>.logs.json` (app/agent/log-report.ts). */
export const hostLogReportSchema = z.object({
  updatedAt: z.iso.datetime({ offset: true }),
  /** The period the counts cover, ending at `updatedAt`. */
  windowMinutes: z.number().positive(),
  errors: z.int().nonnegative(),
  warnings: z.int().nonnegative().optional(),
  files: z
    .array(
      z.object({
        path: z.string(),
        errors: z.int().nonnegative(),
        warnings: z.int().nonnegative().optional(),
      }),
    )
    .optional(),
  /** The most frequent error messages (log lines: hostile text, always escaped when shown). */
  topErrors: z.array(z.object({ message: z.string(), count: z.int().nonnegative() })).optional(),
});

export type HostLogReport = z.output<typeof hostLogReportSchema>;

export interface HostReports {
  backup?: HostBackupReport;
  logs?: HostLogReport;
  /** Reports that exist but could not be read, naming the object and the bad fields. */
  problems: string[];
}

export const logReportKey = (host: string) => `hosts/${host}.logs.json`;

/** Reads a host's backup and log reports; an absent one is "no data", a damaged one a problem. */
export async function readHostReports(store: Store, host: string): Promise<HostReports> {
  const [backup, logs] = await Promise.all([
    readBackupReport(store, host),
    readStoredJson(store, logReportKey(host), hostLogReportSchema),
  ]);
  return {
    ...(backup.report ? { backup: backup.report } : {}),
    ...(logs.value ? { logs: logs.value } : {}),
    problems: [...backup.problems, ...(logs.problem ? [logs.problem] : [])],
  };
}
