import type { Command } from "commander";
import type { z } from "zod";
import { backupFailureAlert, backupsWithHost, raiseAlert, verifyFailureAlert } from "../../agent";
import {
  BackupError,
  type BackupFailure,
  type BackupRecord,
  runBackupJob,
  type VerifyResult,
} from "../../backup";
import {
  type BackupConfig,
  type BackupJobConfig,
  backupJobSchema,
  compressorNames,
  compressorSchema,
} from "../../backup/config";
import { issuesFromZod, ValidationError } from "../../lib/validation";
import type { CliContext } from "../context";
import { UsageError } from "../errors";
import { EXIT } from "../exit-codes";
import { progressBar } from "../progress";
import { backupRecordsTable } from "./backup-render";

interface CreateFlags {
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

export type CreateOutcome =
  | { label: string; ok: true; record: BackupRecord; verify?: VerifyResult }
  | { label: string; ok: false; failure: BackupFailure; alert: { delivered: number; failed: string[] } };

const many = (value: string, previous: string[] = []) => [...previous, value];

export function registerBackupCreate(backup: Command, ctx: CliContext): void {
  backup
    .command("create")
    .description(
      "back up configured jobs (or --source folders) into the store; a failure exits 5 and raises an alert",
    )
    .argument("[labels...]", "configured jobs to run")
    .option("--all", "run every configured job")
    .option("--source <path>", "back up this folder instead of a configured job (repeatable)", many)
    .option("--label <label>", "label for --source backups", "manual")
    .option("--include <glob>", "with --source: archive only matching paths (repeatable)", many)
    .option("--exclude <glob>", "with --source: leave matching paths out (repeatable)", many)
    .option("--compressor <name>", `override the configured compressor (${compressorNames.join(", ")})`)
    .option("--level <n>", "compression level for --compressor")
    .option("--verify", "verify each archive after creating it")
    .option("--json", "print the outcomes as JSON")
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .option("--no-progress", "never show a progress bar")
    .action(async (labels: string[], flags: CreateFlags) => {
      const { config } = await ctx.config();
      const backups = settle(backupsWithHost(config, ctx.io.env), labels, flags);
      const store = ctx.store(config);
      const outcomes: CreateOutcome[] = [];
      for (const job of backups.jobs) {
        const bar = progressBar(ctx.io.stderr, flags.progress, flags.json === true, job.label);
        try {
          const { record, verify } = await ctx
            .cancellable((signal) =>
              runBackupJob(
                {
                  store,
                  config: backups,
                  signal,
                  now: () => ctx.now(),
                  estimate: bar.enabled,
                  onEvent: (event) => {
                    if (event.type === "progress" && event.operation === "create") {
                      bar.update(event.bytesIn, event.totalBytesIn, `${event.files} entries`);
                    }
                  },
                },
                job.label,
              ),
            )
            .finally(() => bar.stop());
          for (const warning of record.warnings) ctx.note(`${job.label}: ${warning}`);
          outcomes.push({ label: job.label, ok: true, record, ...(verify ? { verify } : {}) });
          if (verify && !verify.ok) {
            ctx.note(`${record.id} does not verify: ${verify.problems.slice(0, 3).join("; ")}`);
            await raiseAlert(config, verifyFailureAlert(verify, "opsdeck backup create"), alertDeps(ctx));
            ctx.fail(EXIT.unhealthy);
          }
        } catch (error) {
          if (!(error instanceof BackupError)) throw error;
          const alert = await raiseAlert(
            config,
            backupFailureAlert(error.failure, "opsdeck backup create"),
            alertDeps(ctx),
          );
          ctx.note(error.message);
          if (alert.failed.length > 0) ctx.note(`alert not delivered: ${alert.failed.join("; ")}`);
          outcomes.push({ label: job.label, ok: false, failure: error.failure, alert });
          ctx.fail(EXIT.failed);
        }
      }
      if (flags.json) ctx.printJson(outcomes);
      else ctx.print(backupRecordsTable(outcomes));
    });
}

function alertDeps(ctx: CliContext) {
  return {
    logger: ctx.logger(),
    now: () => ctx.now(),
    ...(ctx.io.fetch ? { fetch: ctx.io.fetch } : {}),
  };
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
function settle(
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
