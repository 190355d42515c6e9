/**
 * The Pulumi stack the commands run against: this project's program (Pulumi.yaml at the repository
 * root) through the Automation API's LocalWorkspace. The orchestrator sees only `AutomationStack`, so
 * tests inject their own.
 */
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";

/** The part of an Automation API stack the commands use. */
export type AutomationStack = Pick<
  Stack,
  "setAllConfig" | "preview" | "up" | "destroy" | "refresh" | "outputs"
>;

/** Opens a stack: created when missing (preview, up) or selected (the rest, which need it to exist). */
export type OpenStack = (name: string, options: { create: boolean }) => Promise<AutomationStack>;

/** The Pulumi CLI is not installed; the message is the one line a user needs. */
export class PulumiCliMissingError extends Error {
  override readonly name = "PulumiCliMissingError";
  constructor(options?: { cause?: unknown }) {
    super(
      "the Pulumi CLI is not installed or not on PATH: install it with `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi/tap/pulumi`), then run `pulumi login`",
      options,
    );
  }
}

/** The Automation API reports a missing binary as a CommandError whose text carries spawn's ENOENT. */
function isMissingBinary(error: unknown): boolean {
  const text =
    error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code)}` : String(error);
  return /ENOENT/.test(text);
}

/** Finds the CLI (once) and returns a stack opener for the program in `workDir`. */
export async function localStacks(workDir: string): Promise<OpenStack> {
  let pulumiCommand: PulumiCommand;
  try {
    pulumiCommand = await PulumiCommand.get();
  } catch (error) {
    if (isMissingBinary(error)) throw new PulumiCliMissingError({ cause: error });
    throw error;
  }
  return (stackName, { create }) => {
    const args = { stackName, workDir };
    const options = { pulumiCommand };
    return create
      ? LocalWorkspace.createOrSelectStack(args, options)
      : LocalWorkspace.selectStack(args, options);
  };
}
