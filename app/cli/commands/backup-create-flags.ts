import type { z } from "zod";
import type { BackupConfig, BackupJobConfig } from "../../backup/config";
import { backupJobSchema, compressorSchema } from "../../backup/config";
import { issuesFromZod, ValidationError } from "../../lib/validation";
import { UsageError } from "../errors";

/** `backup create`'s flags; backupsForRun turns them into the jobs of this run. */
export interface CreateFlags {
  all?: boolean;
  source?: string[];
  label?: string;
  include?: string[];
  exclude?: string[];
  compressor?: string;
  level?: string;
  verify?: boolean;
  json?: boolean;
  progress?: boolean;
}

/** Which flag set each field, so a bad value is reported as `--label: …`, not as a config path. */
const FLAG_OF: Record<string, string> = {
  name: "--compressor",
  level: "--level",
  label: "--label",
  sources: "--source",
  include: "--include",
  exclude: "--exclude",
};

function fromFlags<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error).map((issue) => {
    const [field = "", ...rest] = issue.path.split(/(?=[.[])/);
    return { path: `${FLAG_OF[field] ?? field}${rest.join("")}`, message: issue.message };
  });
  throw new ValidationError("the command line", issues, { cause: result.error });
}

/** The backups section narrowed to the jobs this run does, with command-line overrides applied. */
export function backupsForRun(
  backups: BackupConfig & { host: string },
  labels: string[],
  flags: CreateFlags,
): BackupConfig & { host: string } {
  let settled = { ...backups, ...(flags.verify ? { verifyAfterCreate: true } : {}) };
  if (flags.compressor !== undefined || flags.level !== undefined) {
    const compressor = fromFlags(compressorSchema, {
      name: flags.compressor ?? backups.compressor.name,
      ...(flags.level !== undefined ? { level: Number(flags.level) } : {}),
    });
    settled = { ...settled, compressor };
  }
  if (flags.source) {
    if (labels.length > 0 || flags.all)
      throw new UsageError("--source backs up folders instead of configured jobs: give one or the other");
    const job: BackupJobConfig = fromFlags(backupJobSchema, {
      label: flags.label,
      sources: flags.source,
      include: flags.include ?? [],
      exclude: flags.exclude ?? [],
    });
    return { ...settled, jobs: [job] };
  }
  if (flags.include || flags.exclude)
    throw new UsageError("--include and --exclude go with --source; jobs take theirs from the config");
  const known = backups.jobs.map((j) => j.label);
  if (flags.all) {
    if (known.length === 0) throw new UsageError("--all: no backup jobs are configured (backups.jobs)");
    return settled;
  }
  if (labels.length === 0) {
    throw new UsageError(
      `name a job (configured: ${known.join(", ") || "none"}), --all, or --source <folder>`,
    );
  }
  const unknown = labels.filter((l) => !known.includes(l));
  if (unknown.length > 0) {
    throw new UsageError(
      `no backup job labelled ${unknown.join(", ")} (configured: ${known.join(", ") || "none"})`,
    );
  }
  return { ...settled, jobs: backups.jobs.filter((j) => labels.includes(j.label)) };
}
