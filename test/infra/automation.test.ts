import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { OutputMap, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { parseStackArgs, type StackCommand, UsageError } from "../../infra/automation/args";
import { describeSummary, runStackCommand } from "../../infra/automation/run";
import type { AutomationStack } from "../../infra/automation/workspace";

const root = path.resolve(__dirname, "../..");

describe("parseStackArgs", () => {
  it("reads the operation, the stack and the defaults: policy pack on, bundles built, text output", () => {
    expect(parseStackArgs(["preview", "--stack", "dev"])).toEqual({
      operation: "preview",
      stack: "dev",
      config: [],
      json: false,
      policy: true,
      build: true,
      refresh: false,
    });
  });

  it("collects repeated config overrides, secrets marked, values kept whole", () => {
    const command = parseStackArgs([
      "up",
      "--stack",
      "prod",
      "--config",
      "owner=platform-team",
      "--config",
      "dashboard.schedule=rate(5 minutes)",
      "--secret-config",
      "dashboardToken=a=b=c",
      "--json",
      "--no-policy",
      "--no-build",
      "--refresh",
    ]);

    expect(command).toMatchObject({
      operation: "up",
      stack: "prod",
      json: true,
      policy: false,
      build: false,
      refresh: true,
    });
    expect(command.config).toEqual([
      { key: "owner", value: "platform-team", secret: false },
      { key: "dashboard.schedule", value: "rate(5 minutes)", secret: false },
      { key: "dashboardToken", value: "a=b=c", secret: true },
    ]);
  });

  it("names what is wrong: a missing stack, an unknown operation, a config without a value", () => {
    expect(() => parseStackArgs(["preview"])).toThrow(UsageError);
    expect(() => parseStackArgs(["preview"])).toThrow(/--stack/);
    expect(() => parseStackArgs(["deploy", "--stack", "dev"])).toThrow(
      /unknown operation "deploy": expected one of preview, up, destroy, refresh, outputs/,
    );
    expect(() => parseStackArgs(["up", "--stack", "dev", "--config", "owner"])).toThrow(
      /expected key=value, got "owner"/,
    );
  });

  it("never repeats a malformed secret in its error", () => {
    expect(() => parseStackArgs(["up", "--stack", "dev", "--secret-config", "hunter2"])).toThrow(
      /expected key=value, got "<secret>"/,
    );
  });
});

/** An Automation API stack that records what it was asked and answers like the engine would. */
function recordingStack(overrides: Partial<AutomationStack> = {}) {
  const calls: { method: string; args: unknown }[] = [];
  const stack: AutomationStack = {
    setAllConfig: async (config, path) => {
      calls.push({ method: "setAllConfig", args: { config, path } });
    },
    preview: async (options?: PreviewOptions) => {
      calls.push({ method: "preview", args: options });
      options?.onOutput?.("Previewing update (dev)\n");
      return { stdout: "", stderr: "", changeSummary: { create: 58, same: 2 } };
    },
    up: async (options?: UpOptions) => {
      calls.push({ method: "up", args: options });
      options?.onOutput?.("Updating (dev)\n");
      const outputs: OutputMap = {
        dashboardUrl: { value: "https://abc.lambda-url.eu-west-1.on.aws/", secret: false },
        token: { value: "s3cr3t", secret: true },
      };
      return {
        stdout: "",
        stderr: "",
        outputs,
        summary: { resourceChanges: { create: 3, update: 1, same: 56 } },
      } as unknown as Awaited<ReturnType<AutomationStack["up"]>>;
    },
    destroy: async (options) => {
      calls.push({ method: "destroy", args: options });
      return { stdout: "", stderr: "", summary: { resourceChanges: { delete: 60 } } } as unknown as Awaited<
        ReturnType<AutomationStack["destroy"]>
      >;
    },
    refresh: async (options) => {
      calls.push({ method: "refresh", args: options });
      return { stdout: "", stderr: "", summary: { resourceChanges: { same: 60 } } } as unknown as Awaited<
        ReturnType<AutomationStack["refresh"]>
      >;
    },
    outputs: async () => ({ bucketName: { value: "opsdeck-dev-backups-abc", secret: false } }),
    ...overrides,
  };
  return { stack, calls };
}

function deps(stack: AutomationStack, log: string[] = []) {
  const opened: { name: string; create: boolean }[] = [];
  let builds = 0;
  let clock = 0;
  return {
    opened,
    builds: () => builds,
    deps: {
      openStack: async (name: string, { create }: { create: boolean }) => {
        opened.push({ name, create });
        return stack;
      },
      build: async () => {
        builds++;
      },
      write: (text: string) => log.push(text),
      root,
      now: () => (clock += 1500),
    },
  };
}

const command = (overrides: Partial<StackCommand>): StackCommand => ({
  operation: "preview",
  stack: "dev",
  config: [],
  json: false,
  policy: true,
  build: true,
  refresh: false,
  ...overrides,
});

describe("runStackCommand", () => {
  it("previews: builds the bundles, creates or selects the stack, runs the policy pack, streams the engine", async () => {
    const { stack, calls } = recordingStack();
    const log: string[] = [];
    const run = deps(stack, log);

    const summary = await runStackCommand(command({}), run.deps);

    expect(run.builds()).toBe(1);
    expect(run.opened).toEqual([{ name: "dev", create: true }]);
    expect(calls[0]).toMatchObject({
      method: "preview",
      args: { policyPacks: [path.join(root, "infra/policy")], refresh: false },
    });
    expect(log).toEqual(["Previewing update (dev)\n"]);
    expect(summary).toEqual({
      operation: "preview",
      stack: "dev",
      ok: true,
      changes: { create: 58, same: 2 },
      durationMs: 1500,
    });
  });

  it("sets config overrides first, as `pulumi config set --path` would, secrets as secrets", async () => {
    const { stack, calls } = recordingStack();

    await runStackCommand(
      command({
        operation: "up",
        config: [
          { key: "owner", value: "ops", secret: false },
          { key: "dashboardToken", value: "t0k3n-0123456789abcdef", secret: true },
        ],
      }),
      deps(stack).deps,
    );

    expect(calls.map((call) => call.method)).toEqual(["setAllConfig", "up"]);
    expect(calls[0]?.args).toEqual({
      config: {
        owner: { value: "ops", secret: false },
        dashboardToken: { value: "t0k3n-0123456789abcdef", secret: true },
      },
      path: true,
    });
  });

  it("reports what `up` changed and the outputs, with secret outputs redacted", async () => {
    const { stack } = recordingStack();

    const summary = await runStackCommand(command({ operation: "up" }), deps(stack).deps);

    expect(summary.changes).toEqual({ create: 3, update: 1, same: 56 });
    expect(summary.outputs).toEqual({
      dashboardUrl: "https://abc.lambda-url.eu-west-1.on.aws/",
      token: "[secret]",
    });
    expect(JSON.stringify(summary)).not.toContain("s3cr3t");
  });

  it("selects an existing stack for destroy, refresh and outputs, without building or policies", async () => {
    for (const operation of ["destroy", "refresh", "outputs"] as const) {
      const { stack, calls } = recordingStack();
      const run = deps(stack);

      const summary = await runStackCommand(command({ operation }), run.deps);

      expect(run.opened, operation).toEqual([{ name: "dev", create: false }]);
      expect(run.builds(), operation).toBe(0);
      expect(JSON.stringify(calls), operation).not.toContain("policyPacks");
      expect(summary.ok, operation).toBe(true);
    }
  });

  it("skips the policy pack and the build when asked", async () => {
    const { stack, calls } = recordingStack();
    const run = deps(stack);

    await runStackCommand(command({ policy: false, build: false, refresh: true }), run.deps);

    expect(run.builds()).toBe(0);
    expect(calls[0]?.args).toMatchObject({ policyPacks: [], refresh: true });
  });

  it("turns a failed operation into a failed summary that says why", async () => {
    const { stack } = recordingStack({
      up: async () => {
        throw new Error(
          "error: update failed: opsdeck smoke test: https://x/healthz is not healthy after 10 attempts",
        );
      },
    });

    const summary = await runStackCommand(command({ operation: "up" }), deps(stack).deps);

    expect(summary).toMatchObject({
      ok: false,
      changes: {},
      error: expect.stringContaining("is not healthy"),
    });
    expect(describeSummary(summary)).toMatch(/^up dev failed after 1\.5 s: error: update failed/);
  });

  it("fails the same way when bundling fails (e.g. an entry point is missing)", async () => {
    const { stack, calls } = recordingStack();
    const run = deps(stack);
    run.deps.build = async () => {
      throw new Error('bundle "cli": entry app/cli/main.ts does not exist');
    };

    const summary = await runStackCommand(command({}), run.deps);

    expect(summary).toMatchObject({ ok: false, error: 'bundle "cli": entry app/cli/main.ts does not exist' });
    expect(calls).toEqual([]);
  });
});

describe("`npm run stack` without the Pulumi CLI", () => {
  it("says in one line how to install it, exits 3, and prints no stack trace", () => {
    const emptyPath = mkdtempSync(path.join(tmpdir(), "opsdeck-no-pulumi-"));

    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "infra/automation/main.ts", "preview", "--stack", "dev"],
      {
        cwd: root,
        encoding: "utf8",
        env: { PATH: emptyPath, HOME: emptyPath },
      },
    );

    expect(run.status).toBe(3);
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringContaining("curl -fsSL https://get.pulumi.com | sh"),
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe("");
  });

  it("still reports bad arguments first, with exit code 2", () => {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "infra/automation/main.ts", "deploy", "--stack", "dev"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown operation "deploy"');
  });
});
