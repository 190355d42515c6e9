import { Command } from "commander";
import { OPSDECK_VERSION } from "../backup/version";
import { registerAgent } from "./commands/agent";
import { registerBackup } from "./commands/backup";
import { registerCheck } from "./commands/check";
import { registerLogs } from "./commands/logs";
import { registerMetrics } from "./commands/metrics";
import { registerValidate } from "./commands/validate";
import type { CliContext, GlobalOptions } from "./context";

const EXIT_CODES_HELP = `
Exit codes:
  0    done; everything checked was healthy
  1    internal error (run with --verbose or OPSDECK_DEBUG=1 for the stack)
  2    bad command line
  3    invalid config or input (each bad field is named; validate: a file is invalid)
  4    a named file, backup or object does not exist
  5    the operation failed (backup, restore, rotation, store); a failed backup also raises an alert
  6    ran, but found a problem: a check is down, a backup does not verify
  130  interrupted by SIGINT/SIGTERM

Config: --config <file>, else OPSDECK_CONFIG (the document), else OPSDECK_CONFIG_FILE, else defaults.
See docs/cli.md.`;

/** The `opsdeck` command tree; parsing only — every action calls into app/. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command("opsdeck")
    .description("opsdeck: checks, metrics, log analysis and rotation, verified backups, and the agent")
    .version(OPSDECK_VERSION, "-V, --version")
    .option("-c, --config <file>", "app config file (YAML or JSON)")
    .option("-v, --verbose", "debug logs, and stack traces for internal errors")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .addHelpText("after", EXIT_CODES_HELP)
    .hook("preAction", (_program, action) => ctx.setGlobals(action.optsWithGlobals<GlobalOptions>()));
  registerCheck(program, ctx);
  registerMetrics(program, ctx);
  registerLogs(program, ctx);
  registerBackup(program, ctx);
  registerAgent(program, ctx);
  registerValidate(program, ctx);
  return program;
}
