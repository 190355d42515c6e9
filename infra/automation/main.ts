/**
 * `npm run stack -- <preview|up|destroy|refresh|outputs> --stack <name> [--config k=v]… [--secret-config k=v]…
 *  [--json] [--no-policy] [--no-build] [--refresh]`
 *
 * Parses the arguments, runs the command through the Automation API and maps the result to an exit
 * code: 0 done, 1 the operation failed, 2 bad arguments, 3 the Pulumi CLI is missing.
 */
import * as path from "node:path";
import { buildBundles } from "../../scripts/build";
import { parseStackArgs, UsageError } from "./args";
import { describeSummary, runStackCommand } from "./run";
import { localStacks, PulumiCliMissingError } from "./workspace";

const ROOT = path.resolve(__dirname, "../..");

async function main(argv: readonly string[]): Promise<number> {
  let command: ReturnType<typeof parseStackArgs>;
  try {
    command = parseStackArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`stack: ${error.message}`);
    return 2;
  }

  let openStack: Awaited<ReturnType<typeof localStacks>>;
  try {
    openStack = await localStacks(ROOT);
  } catch (error) {
    if (!(error instanceof PulumiCliMissingError)) throw error;
    console.error(`stack: ${error.message}`);
    return 3;
  }

  // With --json, stdout carries only the summary; the engine's output goes to stderr.
  const write = (text: string) => (command.json ? process.stderr : process.stdout).write(text);
  const summary = await runStackCommand(command, {
    openStack,
    // Only the agent: the dashboard images build their own bundles inside Docker.
    build: () => buildBundles(["cli"]),
    write,
    root: ROOT,
  });
  if (command.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else console.log(`\n${describeSummary(summary)}`);
  return summary.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`stack: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
