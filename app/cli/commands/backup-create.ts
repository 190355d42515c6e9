import type { Command } from "commander";
import type { BackupFailure, BackupRecord, VerifyResult } from "../../backup";
import { compressorNames } from "../../backup/compressor-levels";
import { BackupError } from "../../backup/errors";
import type { CliContext } from "../context";
import { EXIT } from "../exit-codes";
import { progressBar } from "../progress";
import type { CreateFlags } from "./backup-create-flags";
import { backupRecordsTable } from "./backup-render";

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
      // Loaded here, not at the top: every command line loads this file, and only this command needs them.
      const [{ backupsForRun }, { runBackupJob }] = await Promise.all([
        import("./backup-create-flags.js"),
        import("../../backup/jobs.js"),
      ]);
      const backups = backupsForRun(await ctx.backups(config), labels, flags);
      const store = await ctx.store(config);
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
            const { raiseAlert, verifyFailureAlert } = await import("../../agent/backup-alert.js");
            await raiseAlert(
              config,
              verifyFailureAlert(verify, "opsdeck backup create"),
              await alertDeps(ctx),
            );
            ctx.fail(EXIT.unhealthy);
          }
        } catch (error) {
          if (!(error instanceof BackupError)) throw error;
          const { backupFailureAlert, raiseAlert } = await import("../../agent/backup-alert.js");
          const alert = await raiseAlert(
            config,
            backupFailureAlert(error.failure, "opsdeck backup create"),
            await alertDeps(ctx),
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

async function alertDeps(ctx: CliContext) {
  return {
    logger: await ctx.logger(),
    now: () => ctx.now(),
    ...(ctx.io.fetch ? { fetch: ctx.io.fetch } : {}),
  };
}
