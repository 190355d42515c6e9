import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { installPulumiMocks, readStackConfig, resolveOutput } from "../support/pulumi-mocks";
import { writeTestAgentBundle } from "./build-stack";

// infra/index.ts runs the program when imported, so every scenario imports a fresh copy of it.
// (A dynamic import() is ESM syntax to TypeScript, hence the one `.js` extension, which vitest maps to .ts.)
beforeEach(() => {
  vi.resetModules();
  // The program uploads the agent bundle; point it at a stand-in instead of a built dist/.
  vi.stubEnv("OPSDECK_AGENT_BUNDLE", writeTestAgentBundle().path);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("infra/index.ts, the program Pulumi runs", () => {
  it("builds the stack from the stack config and exports its outputs", async () => {
    const { config, secretKeys } = readStackConfig("dev");
    const mocks = await installPulumiMocks({ config, secretKeys });

    const program = await import("../../infra/index.js");
    await mocks.settle();

    expect(Object.keys(program).sort()).toEqual([
      "agentBundleKey",
      "albDnsName",
      "albUrl",
      "bucketArn",
      "bucketName",
      "dashboardFunctionName",
      "dashboardImage",
      "dashboardUrl",
      "instanceIds",
      "kubernetesManifests",
      "lbConfig",
      "privateIps",
      "serverImage",
    ]);
    expect(Object.keys(program.instanceIds)).toEqual(["web01", "web02", "db01"]);
    expect(await resolveOutput(program.albUrl)).toMatch(/^http:\/\/opsdeck-dev-alb-/);
    expect(mocks.ofType("aws:ec2/instance:Instance")).toHaveLength(3);
    expect(await resolveOutput(program.dashboardUrl)).toMatch(
      /^https:\/\/\w+\.lambda-url\.eu-west-1\.on\.aws\/$/,
    );
    expect(program.kubernetesManifests).toBe("k8s/rendered/dev");
  });

  it("refuses to run without the agent bundle, saying how to build it", async () => {
    vi.stubEnv("OPSDECK_AGENT_BUNDLE", "dist/does-not-exist/opsdeck-agent.tgz");
    const { config, secretKeys } = readStackConfig("dev");
    const mocks = await installPulumiMocks({ config, secretKeys });

    await expect(import("../../infra/index.js")).rejects.toThrow(/run `npm run build` first/);
    await mocks.settle();
    expect(mocks.resources).toEqual([]);
  });

  it("stops on an invalid config before registering any resource, naming the key path", async () => {
    const mocks = await installPulumiMocks({
      config: {
        "opsdeck:servers": [
          { name: "web01", role: "web", instanceType: "t3.micro" },
          { name: "db01", role: "db", instanceType: "m9.huge" },
        ],
      },
    });

    await expect(import("../../infra/index.js")).rejects.toThrow(
      /opsdeck:servers\[1\]\.instanceType: expected one of/,
    );
    await mocks.settle();
    expect(mocks.resources).toEqual([]);
    expect(mocks.calls).toEqual([]);
  });
});
