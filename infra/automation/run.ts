/**
 * Runs one stack command through the Automation API: bundle the deployables, open the stack, apply
 * config overrides, run the operation with the engine's output streamed as it comes, and summarise
 * what changed. A failed operation is a summary with `ok: false`, not an exception.
 */
import * as path from "node:path";
import type { OutputMap } from "@pulumi/pulumi/automation";
import type { StackCommand } from "./args";
import type { AutomationStack, OpenStack } from "./workspace";

export interface RunDependencies {
  openStack: OpenStack;
  /** Bundles the agent (dist/opsdeck-agent.tgz, scripts/build.ts), which the stack uploads. */
  build: () => Promise<void>;
  /** Where the engine's output is streamed. */
  write: (text: string) => void;
  /** The repository root, where infra/policy lives. */
  root: string;
  now?: () => number;
}

export interface RunSummary {
  operation: StackCommand["operation"];
  stack: string;
  ok: boolean;
  /** Resource operations by kind (`create`, `update`, `same`, `delete`, `replace` …). */
  changes: Record<string, number>;
  /** Stack outputs after `up` and `outputs`; secrets as "[secret]". */
  outputs?: Record<string, unknown>;
  durationMs: number;
  error?: string;
}

export async function runStackCommand(command: StackCommand, deps: RunDependencies): Promise<RunSummary> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const base = { operation: command.operation, stack: command.stack };
  try {
    const changesStack = command.operation === "preview" || command.operation === "up";
    if (changesStack && command.build) await deps.build();
    const stack = await deps.openStack(command.stack, { create: changesStack });
    if (command.config.length > 0)
      await stack.setAllConfig(
        Object.fromEntries(command.config.map((c) => [c.key, { value: c.value, secret: c.secret }])),
        true,
      );
    const result = await runOperation(stack, command, deps);
    return { ...base, ok: true, ...result, durationMs: Math.round(now() - started) };
  } catch (error) {
    return {
      ...base,
      ok: false,
      changes: {},
      durationMs: Math.round(now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

async function runOperation(
  stack: AutomationStack,
  command: StackCommand,
  deps: RunDependencies,
): Promise<Pick<RunSummary, "changes" | "outputs">> {
  const stream = { onOutput: deps.write };
  const policyPacks = command.policy ? [path.join(deps.root, "infra/policy")] : [];
  switch (command.operation) {
    case "preview": {
      const result = await stack.preview({ ...stream, policyPacks, refresh: command.refresh });
      return { changes: counts(result.changeSummary) };
    }
    case "up": {
      const result = await stack.up({ ...stream, policyPacks, refresh: command.refresh });
      return { changes: counts(result.summary.resourceChanges), outputs: redactOutputs(result.outputs) };
    }
    case "destroy": {
      const result = await stack.destroy({ ...stream, refresh: command.refresh });
      return { changes: counts(result.summary.resourceChanges) };
    }
    case "refresh": {
      const result = await stack.refresh(stream);
      return { changes: counts(result.summary.resourceChanges) };
    }
    case "outputs":
      return { changes: {}, outputs: redactOutputs(await stack.outputs()) };
  }
}

function counts(opMap: Partial<Record<string, number>> | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(opMap ?? {}).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
  );
}

/** Secret outputs never reach a summary (CI logs keep it). */
export function redactOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, output]) => [name, output.secret ? "[secret]" : output.value]),
  );
}

/** One line for people: what ran, what changed, how long it took. */
export function describeSummary(summary: RunSummary): string {
  const changes = Object.entries(summary.changes)
    .map(([op, count]) => `${count} ${op}`)
    .join(", ");
  const took = `${(summary.durationMs / 1000).toFixed(1)} s`;
  return summary.ok
    ? `${summary.operation} ${summary.stack}: ${changes || "no changes reported"} (${took})`
    : `${summary.operation} ${summary.stack} failed after ${took}: ${summary.error}`;
}
