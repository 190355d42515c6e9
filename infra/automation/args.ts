import { Command, CommanderError, Option } from "commander";

export const operations = ["preview", "up", "destroy", "refresh", "outputs"] as const;
export type Operation = (typeof operations)[number];

export interface ConfigOverride {
  /** As given: `owner`, `opsdeck:owner`, `aws:region`, or a path such as `backupBucket.expireAfterDays`. */
  key: string;
  value: string;
  secret: boolean;
}

/** What `npm run stack -- <operation> --stack <name> …` asks for. */
export interface StackCommand {
  operation: Operation;
  stack: string;
  config: ConfigOverride[];
  /** Print a JSON summary on stdout (engine output goes to stderr). */
  json: boolean;
  /** Run the policy pack (infra/policy) with preview and up. */
  policy: boolean;
  /** Bundle the agent (`npm run build -- cli`) before preview and up. */
  build: boolean;
  /** Refresh the state from the cloud first (preview, up, destroy). */
  refresh: boolean;
}

/** The arguments do not form a command; the message says what to fix. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const collect =
  (secret: boolean) =>
  (text: string, previous: ConfigOverride[] = []): ConfigOverride[] => {
    const at = text.indexOf("=");
    if (at <= 0) throw new UsageError(`expected key=value, got "${secret ? "<secret>" : text}"`);
    return [...previous, { key: text.slice(0, at), value: text.slice(at + 1), secret }];
  };

/** Parses the arguments after `npm run stack --`; throws UsageError naming what is wrong. */
export function parseStackArgs(argv: readonly string[]): StackCommand {
  const program = new Command("stack")
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .argument("<operation>", `one of ${operations.join(", ")}`)
    .requiredOption("--stack <name>", "the stack (Pulumi.<name>.yaml)")
    .option(
      "--config <key=value>",
      "set a config value first, like `pulumi config set --path` (repeatable)",
      collect(false),
    )
    .option("--secret-config <key=value>", "set a secret config value first (repeatable)", collect(true))
    .option("--json", "print a JSON summary on stdout; engine output goes to stderr")
    .addOption(new Option("--no-policy", "skip the policy pack (infra/policy)"))
    .addOption(
      new Option("--no-build", "skip bundling the agent (npm run build -- cli) before preview and up"),
    )
    .option("--refresh", "refresh the state from the cloud first");
  try {
    program.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof CommanderError)
      throw new UsageError(error.message.replace(/^error: /, ""), { cause: error });
    throw error;
  }
  const [operation] = program.args;
  if (!operations.includes(operation as Operation))
    throw new UsageError(`unknown operation "${operation}": expected one of ${operations.join(", ")}`);
  const options = program.opts<{
    stack: string;
    config?: ConfigOverride[];
    secretConfig?: ConfigOverride[];
    json?: boolean;
    policy: boolean;
    build: boolean;
    refresh?: boolean;
  }>();
  return {
    operation: operation as Operation,
    stack: options.stack,
    config: [...(options.config ?? []), ...(options.secretConfig ?? [])],
    json: options.json ?? false,
    policy: options.policy,
    build: options.build,
    refresh: options.refresh ?? false,
  };
}
