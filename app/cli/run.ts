import { CliContext } from "./context";
import { classifyError } from "./errors";
import { EXIT } from "./exit-codes";
import type { CliIo } from "./io";
import { createProgram } from "./program";

/**
 * Runs one `opsdeck` command line and resolves with its exit code; never throws. Known errors become
 * one clear message on stderr and their documented code; unknown ones say "internal error" and show
 * the stack only with --verbose or OPSDECK_DEBUG.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  const program = createProgram(ctx);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: "user" });
    return ctx.exitCode;
  } catch (error) {
    const classified = classifyError(error);
    if (classified.message) io.stderr.write(`opsdeck: ${classified.message}\n`);
    if (classified.internal) {
      io.stderr.write(
        ctx.verbose && error instanceof Error && error.stack
          ? `${error.stack}\n`
          : "opsdeck: run again with --verbose (or OPSDECK_DEBUG=1) for the stack trace\n",
      );
    }
    return classified.code;
  }
}
