import type { Command } from "commander";
import type { BackupJobState, BackupListing, VerifyResult } from "../../backup";
import type { CliContext } from "../context";
import { UsageError } from "../errors";
import { EXIT } from "../exit-codes";
import { progressBar } from "../progress";
import { registerBackupCreate } from "./backup-create";
import { registerBackupPrune } from "./backup-prune";
import { listingTable, restoreTable, statusTable, verifyTable } from "./backup-render";

const many = (value: string, previous: string[] = []) => [...previous, value];

/** A job's records with its freshness, by the rule the dashboard and /metrics use (app/backup/freshness.ts). */
export type BackupJobStatus = BackupJobState & {
  /** The last success is older than `staleAfterMs`, or the job never succeeded. */
  stale: boolean;
  /** The threshold recorded with the last success, else the default (48 h). */
  staleAfterMs: number;
  /** Age of the last success; absent when it never succeeded. */
  ageMs?: number;
};

export function registerBackup(program: Command, ctx: CliContext): void {
  const backup = program
    .command("backup")
    .description("verified streaming backups: create, list, verify, restore, prune");
  registerBackupCreate(backup, ctx);
  registerBackupPrune(backup, ctx);

  backup
    .command("list")
    .description("list backups in the store, oldest first per host (incomplete leftovers included)")
    .option("--host <host>", "only this host's backups (default: every host)")
    .option("--label <label>", "only this job's backups")
    .option("--json", "print the listing as JSON")
    .action(async (flags: { host?: string; label?: string; json?: boolean }) => {
      const { config } = await ctx.config();
      const { listBackups } = await import("../../backup/index.js");
      const listed = (
        await listBackups(await ctx.store(config), flags.host ? { host: flags.host } : {})
      ).filter((b) => flags.label === undefined || b.label === flags.label);
      if (flags.json) ctx.printJson(listed);
      else if (listed.length === 0) ctx.note("no backups found");
      else ctx.print(listingTable(listed));
    });

  backup
    .command("verify")
    .description(
      "re-read backups end to end: checksum, tar headers, entries against the manifest (exit 6 on a mismatch)",
    )
    .argument("[backups...]", "archive keys, manifest keys or <host>/<id>")
    .option("--latest", "verify the newest complete backup of each job of --host")
    .option("--host <host>", "with --latest: whose backups (default: this host)")
    .option("--label <label>", "with --latest: only this job")
    .option("--json", "print the results as JSON")
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .option("--no-progress", "never show a progress bar")
    .action(
      async (
        refs: string[],
        flags: { latest?: boolean; host?: string; label?: string; json?: boolean; progress?: boolean },
      ) => {
        const { config } = await ctx.config();
        const { listBackups, verifyBackup } = await import("../../backup/index.js");
        const store = await ctx.store(config);
        if (refs.length > 0 === (flags.latest === true))
          throw new UsageError("name backups to verify, or give --latest");
        if (flags.latest) {
          const host = flags.host ?? (await ctx.backups(config)).host;
          refs = newestPerLabel(await listBackups(store, { host }), flags.label).map(
            (b) => `${b.host}/${b.id}`,
          );
          if (refs.length === 0)
            throw new UsageError(
              `--latest: no complete backups of ${host}${flags.label ? ` labelled ${flags.label}` : ""}`,
            );
        }
        const results: VerifyResult[] = [];
        for (const ref of refs) {
          const bar = progressBar(ctx.io.stderr, flags.progress, flags.json === true, "verify");
          const result = await ctx
            .cancellable((signal) =>
              verifyBackup({
                store,
                backup: ref,
                signal,
                now: () => ctx.now(),
                onEvent: (e) =>
                  e.type === "progress" && bar.update(e.bytesIn, e.totalBytesIn, `${e.files} entries`),
              }),
            )
            .finally(() => bar.stop());
          results.push(result);
          if (!result.ok) ctx.fail(EXIT.unhealthy);
        }
        if (flags.json) ctx.printJson(results);
        else ctx.print(verifyTable(results));
      },
    );

  backup
    .command("restore")
    .description(
      "restore a backup (or --path parts of it) into a target folder; never overwrites without --force",
    )
    .argument("<backup>", "archive key, manifest key or <host>/<id>")
    .requiredOption("--target <dir>", "folder to restore into (created if missing)")
    .option(
      "--path <path>",
      "restore only this archive path (repeatable; a folder brings everything under it)",
      many,
    )
    .option("--force", "replace files that already exist in the target")
    .option("--json", "print the result as JSON")
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .option("--no-progress", "never show a progress bar")
    .action(
      async (
        ref: string,
        flags: { target: string; path?: string[]; force?: boolean; json?: boolean; progress?: boolean },
      ) => {
        const { config } = await ctx.config();
        const { restoreBackup } = await import("../../backup/index.js");
        const store = await ctx.store(config);
        const bar = progressBar(ctx.io.stderr, flags.progress, flags.json === true, "restore");
        const result = await ctx
          .cancellable((signal) =>
            restoreBackup({
              store,
              backup: ref,
              target: flags.target,
              ...(flags.path ? { paths: flags.path } : {}),
              force: flags.force === true,
              signal,
              now: () => ctx.now(),
              onEvent: (e) =>
                e.type === "progress" && bar.update(e.bytesIn, e.totalBytesIn, `${e.files} entries`),
            }),
          )
          .finally(() => bar.stop());
        if (flags.json) ctx.printJson(result);
        else ctx.print(restoreTable(result));
      },
    );

  backup
    .command("status")
    .description(
      "last success, failure and verification of each job and whether it is stale, as the dashboard shows them (exit 6 if one is stale)",
    )
    .option("--host <host>", "only this host (default: every host)")
    .option("--json", "print the states as JSON, each with stale, staleAfterMs and ageMs")
    .action(async (flags: { host?: string; json?: boolean }) => {
      const { config } = await ctx.config();
      const { readBackupStates, recordedFreshness } = await import("../../backup/index.js");
      const now = ctx.now();
      const states = await readBackupStates(await ctx.store(config), flags.host);
      const jobs: BackupJobStatus[] = states.map((state) => ({ ...state, ...recordedFreshness(state, now) }));
      if (flags.json) ctx.printJson(jobs);
      else if (jobs.length === 0) ctx.note("no backup records found");
      else ctx.print(statusTable(jobs, now));
      if (jobs.some((j) => j.stale)) ctx.fail(EXIT.unhealthy);
    });
}

function newestPerLabel(listed: readonly BackupListing[], label: string | undefined): BackupListing[] {
  const newest = new Map<string, BackupListing>();
  for (const b of listed) {
    if (!b.complete || (label !== undefined && b.label !== label)) continue;
    const seen = newest.get(b.label);
    if (!seen || b.time.getTime() >= seen.time.getTime()) newest.set(b.label, b);
  }
  return [...newest.values()];
}
