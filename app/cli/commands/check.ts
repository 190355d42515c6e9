import type { Command } from "commander";
import type { CheckResult } from "../../checks";
import { renderTable } from "../../logs/render";
import type { CliContext } from "../context";
import { UsageError } from "../errors";
import { EXIT } from "../exit-codes";
import { formatDuration } from "../units";

/** `opsdeck check [ids...]`: run the configured checks once; exit 6 when one is down. */
export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command("check")
    .description("run the configured checks once and print their results (exit 6 when one is down)")
    .argument("[ids...]", "only these checks (default: all)")
    .option("--json", "print the results as JSON")
    .action(async (ids: string[], options: { json?: boolean }) => {
      const { config, source } = await ctx.config();
      const unknown = ids.filter((id) => !config.checks.some((c) => c.id === id));
      if (unknown.length > 0) {
        const known = config.checks.map((c) => c.id).join(", ") || "none";
        throw new UsageError(`no check named ${unknown.join(", ")} in ${source} (known: ${known})`);
      }
      const checks = ids.length > 0 ? config.checks.filter((c) => ids.includes(c.id)) : config.checks;
      if (checks.length === 0) ctx.note(`no checks configured in ${source}`);
      const { runChecksOnce } = await import("../../checks/index.js");
      const results = await runChecksOnce(checks, config.checkDefaults, {
        ...(ctx.io.fetch ? { fetch: ctx.io.fetch } : {}),
        now: () => ctx.now(),
      });
      if (options.json) ctx.printJson(results);
      else if (results.length > 0) ctx.print(checkTable(results));
      if (results.some((r) => r.status === "down")) ctx.fail(EXIT.unhealthy);
    });
}

export function checkTable(results: readonly CheckResult[]): string {
  return renderTable(
    ["check", "type", "status", "time", "tries", "code", "message"],
    results.map((r) => [
      r.checkId,
      r.type,
      r.status.toUpperCase(),
      formatDuration(r.durationMs),
      String(r.attempts),
      r.statusCode === undefined ? "-" : String(r.statusCode),
      r.message,
    ]),
    [3, 4, 5],
  );
}
