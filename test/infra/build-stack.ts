import { loadConfig } from "../../infra/config";
import { createStack, type StackOutputs } from "../../infra/stack";
import { installPulumiMocks, type PulumiMockOptions, type PulumiMockSession } from "../support/pulumi-mocks";

/** One scenario: install the mocks with its config, build the whole stack, wait for every registration. */
export async function buildStack(
  options: PulumiMockOptions,
): Promise<{ mocks: PulumiMockSession; outputs: StackOutputs }> {
  const mocks = await installPulumiMocks(options);
  const outputs = createStack(loadConfig());
  await mocks.settle();
  return { mocks, outputs };
}
