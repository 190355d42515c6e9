import process from "node:process";
import { type Command, Option } from "commander";
import { ValidationError } from "../../lib/validation";
import type { RotationResult } from "../../logs";
import { LOG_FORMATS } from "../../logs/formats";
import { LEVELS } from "../../logs/levels";
import type { CliContext } from "../context";
import { UsageError } from "../errors";
import { EXIT } from "../exit-codes";
import { progressBar } from "../progress";
import { parseCount, parseDuration, parseSize, parseTime } from "../units";

/** Repeatable, comma-separated list options: `--level error,fatal --level warn`. */
const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean),
];

interface AnalyzeFlags {
  format: string;
  level?: string[];
  grep?: string;
  regex?: string;
  since?: string;
  until?: string;
  top: string;
  histogram: string;
  errorsPerMinute: string;
  utcOffset: string;
  workers: string;
  json?: boolean;
  progress?: boolean;
}

interface RotateFlags {
  maxSize?: string;
  maxAge?: string;
  force?: boolean;
  copytruncate?: boolean;
  keep?: string;
  maxArchiveAge?: string;
  compress: boolean;
  archiveDir?: string;
  pauseWriters?: string;
  hupPid?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerLogs(program: Command, ctx: CliContext): void {
  const logs = program.command("logs").description("analyse and rotate log files");

  logs
    .command("analyze")
    .alias("analyse")
    .description(
      "stream log files (plain or .gz) once: levels, error types, client IPs, incidents, histogram",
    )
    .argument("<files...>", "log files")
    .addOption(
      new Option("--format <format>", "log format for every file")
        .choices(["auto", ...LOG_FORMATS])
        .default("auto"),
    )
    .option(
      "--level <levels>",
      `keep only these levels (${LEVELS.join(", ")}); repeatable, comma-separated`,
      list,
    )
    .option("--grep <text>", "keep only lines containing this text (case-sensitive)")
    .option("--regex <expression>", "keep only lines matching this regular expression")
    .option("--since <time>", "keep lines at or after this time: ISO 8601, or an age such as 2h")
    .option("--until <time>", "keep lines before this time: ISO 8601, or an age such as 30m")
    .option("--top <n>", "how many IPs, error types and messages to list", "10")
    .addOption(
      new Option("--histogram <interval>", "histogram buckets")
        .choices(["minute", "hour", "auto"])
        .default("auto"),
    )
    .option("--errors-per-minute <n>", "error lines per minute that make an incident", "10")
    .option("--utc-offset <minutes>", "UTC offset of timestamps without a zone (e.g. -300)", "0")
    .option("--workers <n>", "scanning threads, or auto", "auto")
    .option("--json", "print the analysis as JSON")
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .option("--no-progress", "never show a progress bar")
    .action(async (files: string[], flags: AnalyzeFlags) => {
      if (flags.grep !== undefined && flags.regex !== undefined) {
        throw new UsageError("--grep and --regex: give one of them");
      }
      let pattern: string | RegExp | undefined = flags.grep;
      if (flags.regex !== undefined) {
        try {
          pattern = new RegExp(flags.regex);
        } catch (error) {
          throw new UsageError(`--regex: ${(error as Error).message}`);
        }
      }
      const { analyzeLogs, renderAnalysis } = await import("../../logs/index.js");
      const now = ctx.now();
      const bar = progressBar(ctx.io.stderr, flags.progress, flags.json === true, "analyze");
      const analysis = await ctx
        .cancellable((signal) =>
          analyzeLogs(files, {
            format: flags.format as never,
            ...(flags.level ? { levels: flags.level as never } : {}),
            ...(pattern !== undefined ? { pattern } : {}),
            ...(flags.since ? { since: parseTime(flags.since, "--since", now) } : {}),
            ...(flags.until ? { until: parseTime(flags.until, "--until", now) } : {}),
            top: parseCount(flags.top, "--top", 1),
            histogram: flags.histogram as never,
            incidents: { errorsPerMinute: parseCount(flags.errorsPerMinute, "--errors-per-minute", 1) },
            assumeUtcOffsetMinutes: parseOffset(flags.utcOffset),
            workers: flags.workers === "auto" ? "auto" : parseCount(flags.workers, "--workers", 1),
            signal,
            onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal),
          }),
        )
        .finally(() => bar.stop());
      ctx.print(renderAnalysis(analysis, flags.json ? "json" : "table"));
      for (const file of analysis.files) {
        if (file.error) {
          ctx.note(`${file.path}: read incompletely (${file.error}); the lines before it are counted`);
          ctx.fail(EXIT.failed);
        }
      }
    });

  logs
    .command("rotate")
    .description("rotate log files by size or age into timestamped gzip archives, with retention")
    .argument("<files...>", "log files")
    .option("--max-size <size>", "rotate when a file reaches this size (100MB, 1G)")
    .option("--max-age <duration>", "rotate when this long has passed since the last rotation (7d, 12h)")
    .option("--force", "rotate now whatever the triggers say (an empty file is still left alone)")
    .option("--copytruncate", "copy then truncate in place, for writers that keep the file open")
    .option("--keep <n>", "keep this many archives (the new one counts)")
    .option("--max-archive-age <duration>", "delete archives older than this (30d)")
    .option("--no-compress", "leave archives uncompressed")
    .option("--archive-dir <dir>", "put archives here (same filesystem for rename mode)")
    .option("--pause-writers <pids>", "copytruncate: pause these processes (comma-separated pids, or auto)")
    .option("--hup-pid <pid>", "after a rename, send SIGHUP to this process so it reopens the log")
    .option("--dry-run", "report what would happen and change nothing")
    .option("--json", "print the results as JSON")
    .action(async (files: string[], flags: RotateFlags) => {
      if (!flags.force && flags.maxSize === undefined && flags.maxAge === undefined) {
        throw new UsageError("give --max-size, --max-age or --force");
      }
      const hupPid = flags.hupPid === undefined ? undefined : parseCount(flags.hupPid, "--hup-pid", 1);
      const options = {
        ...(flags.maxSize ? { maxBytes: parseSize(flags.maxSize, "--max-size") } : {}),
        ...(flags.maxAge ? { maxAgeMs: parseDuration(flags.maxAge, "--max-age") } : {}),
        force: flags.force === true,
        mode: flags.copytruncate ? ("copytruncate" as const) : ("rename" as const),
        compress: flags.compress,
        ...(flags.keep !== undefined ? { keep: parseCount(flags.keep, "--keep") } : {}),
        ...(flags.maxArchiveAge
          ? { maxArchiveAgeMs: parseDuration(flags.maxArchiveAge, "--max-archive-age") }
          : {}),
        ...(flags.archiveDir ? { archiveDir: flags.archiveDir } : {}),
        ...(flags.pauseWriters ? { pauseWriters: parsePids(flags.pauseWriters) } : {}),
        ...(hupPid !== undefined ? { afterRename: () => void process.kill(hupPid, "SIGHUP") } : {}),
        dryRun: flags.dryRun === true,
      };
      const { renderRotation, rotateLog } = await import("../../logs/index.js");
      const results: RotationResult[] = [];
      for (const file of files) {
        try {
          results.push(await rotateLog(file, options));
        } catch (error) {
          // Bad options are the same for every file; report them once.
          if (error instanceof ValidationError) throw error;
          // One file failing must not stop the others; its log keeps its content (RotationError).
          ctx.note(`${file}: ${(error as Error).message}`);
          ctx.fail(EXIT.failed);
        }
      }
      if (results.length > 0 || flags.json) ctx.print(renderRotation(results, flags.json ? "json" : "table"));
    });
}

function parseOffset(text: string): number {
  if (!/^[+-]?\d+$/.test(text.trim())) {
    throw new UsageError(`--utc-offset: expected minutes such as -300 or 60, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function parsePids(text: string): "auto" | number[] {
  if (text === "auto") return "auto";
  return text.split(",").map((pid) => parseCount(pid, "--pause-writers", 1));
}
