import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../infra/config";
import { type AgentBundle, readAgentBundle } from "../../infra/lookups/agent-bundle";
import { createStack, type StackOutputs } from "../../infra/stack";
import { installPulumiMocks, type PulumiMockOptions, type PulumiMockSession } from "../support/pulumi-mocks";

/**
 * A stand-in for `dist/opsdeck-agent.tgz` in a temp directory: the stack only hashes and uploads the file,
 * so the tests do not depend on the CLI being built (docs/RUNTIME.md is the contract).
 */
export function writeTestAgentBundle(content = "// opsdeck agent bundle stand-in\n"): AgentBundle {
  const dir = mkdtempSync(path.join(tmpdir(), "opsdeck-bundle-"));
  const file = path.join(dir, "opsdeck-agent.tgz");
  writeFileSync(file, content);
  return readAgentBundle(dir, "opsdeck-agent.tgz");
}

/** One scenario: install the mocks with its config, build the whole stack, wait for every registration. */
export async function buildStack(
  options: PulumiMockOptions,
  agentBundle: AgentBundle = writeTestAgentBundle(),
): Promise<{ mocks: PulumiMockSession; outputs: StackOutputs; agentBundle: AgentBundle }> {
  const mocks = await installPulumiMocks(options);
  const outputs = createStack(loadConfig(), { agentBundle });
  await mocks.settle();
  return { mocks, outputs, agentBundle };
}
