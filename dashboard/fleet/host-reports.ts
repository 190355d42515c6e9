import { z } from "zod";
import { parseOrThrow } from "../../app/lib/validation";
import type { Store } from "../../app/storage/store";

/**
 * What the agent reports about a host's backups in `hosts/<host>.backup.json` (app/backup/state.ts's
 * summary): the last outcome of each backup job. Only the fields the fleet view shows are read;
 * anything else in the file is ignored, so the writer may add more.
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
          /** The job's staleness threshold (absent: the default, app/backup/freshness.ts). */
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

export const backupReportKey = (host: string) => `hosts/${host}.backup.json`;
export const logReportKey = (host: string) => `hosts/${host}.logs.json`;

/** Reads a host's backup and log reports; an absent one is "no data", a damaged one a problem. */
export async function readHostReports(store: Store, host: string): Promise<HostReports> {
  const [backup, logs] = await Promise.all([
    readReport(store, backupReportKey(host), hostBackupReportSchema),
    readReport(store, logReportKey(host), hostLogReportSchema),
  ]);
  return {
    ...(backup.value ? { backup: backup.value } : {}),
    ...(logs.value ? { logs: logs.value } : {}),
    problems: [
      ...(backup.problem ? [backup.problem] : []),
      ...(backup.value?.problems ?? []).map((p) => `${backupReportKey(host)}: ${p}`),
      ...(logs.problem ? [logs.problem] : []),
    ],
  };
}

async function readReport<S extends z.ZodType>(
  store: Store,
  key: string,
  schema: S,
): Promise<{ value?: z.output<S>; problem?: string }> {
  const body = await store.get(key);
  if (!body) return {};
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { problem: `${key} is not valid JSON` };
  }
  try {
    return { value: parseOrThrow(schema, json, key) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
