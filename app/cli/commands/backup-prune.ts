import type { Command } from "commander";
import type { PruneResult } from "../../backup";
import { parseOrThrow } from "../../lib/validation";
import type { CliContext } from "../context";
import { UsageError } from "../errors";
import { parseCount } from "../units";
import { pruneTable } from "./backup-render";

const KEEP_FLAGS = [
  "keepLast",
  "keepHourly",
  "keepDaily",
  "keepWeekly",
  "keepMonthly",
  "keepYearly",
] as const;

/** `opsdeck backup prune`: configured jobs with their own retention, or the `--keep-*` policy given. */
export function registerBackupPrune(backup: Command, ctx: CliContext): void {
  const prune = backup
    .command("prune")
    .description("delete backups the retention policy no longer keeps (never the newest of a job)")
    .option("--dry-run", "list what would be removed and delete nothing")
    .option("--host <host>", "prune this host's backups (default: this host)")
    .option("--label <label>", "with --keep-*: only this job")
    .option("--json", "print the results as JSON");
  for (const field of KEEP_FLAGS) {
    const flag = field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    prune.option(
      `--${flag} <n>`,
      `${flag.replace(/-/g, " ")}: override the configured policy (a number or unlimited)`,
    );
  }
  prune.action(async (flags: Record<string, string | boolean | undefined>) => {
    const { config } = await ctx.config();
    const { pruneBackupJobs, pruneBackups, retentionPolicySchema } = await import("../../backup/index.js");
    const store = await ctx.store(config);
    const backups = await ctx.backups(config);
    const host = (flags.host as string | undefined) ?? backups.host;
    const keep = keepFlags(flags);
    const policy = keep && parseOrThrow(retentionPolicySchema, keep, "command line");
    const dryRun = flags.dryRun === true;
    let results: PruneResult[];
    if (policy) {
      results = [
        await pruneBackups({
          store,
          host,
          ...(flags.label ? { label: flags.label as string } : {}),
          policy,
          dryRun,
          incompleteGraceMs: backups.incompleteGraceHours * 3_600_000,
          now: () => ctx.now(),
        }),
      ];
    } else {
      if (flags.label)
        throw new UsageError("--label goes with --keep-* (configured jobs are pruned with their own policy)");
      if (backups.jobs.length === 0)
        throw new UsageError("no backup jobs are configured; give a policy with --keep-*");
      results = await pruneBackupJobs({ store, config: backups, now: () => ctx.now() }, { dryRun, host });
    }
    if (flags.json) ctx.printJson(results);
    else ctx.print(pruneTable(results));
  });
}

/** The --keep-* flags given, as the retention policy's fields (validated by the caller). */
function keepFlags(
  flags: Record<string, string | boolean | undefined>,
): Record<string, number | string> | undefined {
  const raw: Record<string, number | string> = {};
  for (const field of KEEP_FLAGS) {
    const value = flags[field];
    if (typeof value !== "string") continue;
    raw[field] =
      value === "unlimited"
        ? value
        : parseCount(value, `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  }
  return Object.keys(raw).length === 0 ? undefined : raw;
}
