import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
const readme = read("README.md");

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[]; needs?: string; env?: Record<string, string> }>;
}

const preview = parse(read(".github/workflows/infra-preview.yml")) as Workflow;
const deploy = parse(read(".github/workflows/infra-deploy.yml")) as Workflow;
const runs = (workflow: Workflow) =>
  Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""));

describe("CI workflows", () => {
  it("preview pull requests: the offline plan and policy pack first, then pulumi preview through the Automation API", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    expect(preview.jobs.preview?.needs).toBe("plan");
    expect(runs(preview)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("npm run plan -- --stack"),
        expect.stringContaining("npm run manifests -- --stack"),
        expect.stringContaining("npm run stack -- preview --stack"),
      ]),
    );
  });

  it("deploy main with `up` through the Automation API, one update at a time", () => {
    expect(deploy.on.push).toEqual({ branches: ["main"] });
    expect(runs(deploy)).toContainEqual(expect.stringContaining("npm run stack -- up --stack"));
    expect(read(".github/workflows/infra-deploy.yml")).toContain("cancel-in-progress: false");
  });

  it("touch the cloud only when credentials exist, and assume the AWS role through OIDC", () => {
    for (const workflow of [preview, deploy]) {
      expect(workflow.permissions["id-token"]).toBe("write");
      const cloudSteps = Object.values(workflow.jobs)
        .flatMap((job) => job.steps)
        .filter((step) => step.run?.includes("npm run stack") || step.uses?.startsWith("aws-actions/"));
      expect(cloudSteps.length).toBeGreaterThan(0);
      for (const step of cloudSteps) expect(step.if).toBe("steps.credentials.outputs.present == 'true'");
    }
  });

  it("use only npm scripts that exist", () => {
    for (const command of [...runs(preview), ...runs(deploy)])
      for (const [, script] of command.matchAll(/npm run ([\w:-]+)/g))
        expect(scripts[script ?? ""], script).toBeDefined();
  });

  it("need only secrets the README documents", () => {
    const text = read(".github/workflows/infra-preview.yml") + read(".github/workflows/infra-deploy.yml");
    const names = new Set(
      [...text.matchAll(/\$\{\{\s*(?:secrets|vars)\.(\w+)/g)].map((match) => match[1] ?? ""),
    );

    expect([...names].sort()).toEqual([
      "AWS_REGION",
      "AWS_ROLE_ARN",
      "PULUMI_ACCESS_TOKEN",
      "PULUMI_BACKEND_URL",
      "PULUMI_CONFIG_PASSPHRASE",
    ]);
    for (const name of names) expect(readme, name).toMatch(new RegExp(`\\| \`${name}\``));
  });
});
