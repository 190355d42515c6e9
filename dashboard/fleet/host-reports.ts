import { z } from "zod";
import { parseOrThrow } from "../../app/lib/validation";
import type { Store } from "../../app/storage/store";

/**
 * What the agent reports about a host's backups in `hosts/<host>.backup.json`: the last outcome of
 * each backup job (the shape of app/backup's job state). Only the fields the fleet view shows are
 * read; anything else in the file is ignored, so the writer may add more.
 */
export const hostBackupReportSchema = z.object({
  updatedAt: z.iso.datetime({ offset: true }).optional(),
  jobs: z.array(
    z.object({
      label: z.string(),
      lastSuccess: z
        .object({ completedAt: z.iso.datetime({ offset: true }), size: z.number().nonnegative() })
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

/** What the agent reports about a host's logs in `hosts/<host>.logs.json`: recent error counts. */
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
  const problems: string[] = [];
  const [backup, logs] = await Promise.all([
    readReport(store, backupReportKey(host), hostBackupReportSchema, problems),
    readReport(store, logReportKey(host), hostLogReportSchema, problems),
  ]);
  return { ...(backup ? { backup } : {}), ...(logs ? { logs } : {}), problems };
}

async function readReport<S extends z.ZodType>(
  store: Store,
  key: string,
  schema: S,
  problems: string[],
): Promise<z.output<S> | undefined> {
  const body = await store.get(key);
  if (!body) return undefined;
  try {
    return parseOrThrow(schema, JSON.parse(body.toString("utf8")), key);
  } catch (error) {
    problems.push(error instanceof SyntaxError ? `${key} is not valid JSON` : (error as Error).message);
    return undefined;
  }
}
