import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../app/lib/validation";
import { buildPlan, PLAN_BANNER, type Plan, SECRET, UNKNOWN } from "../../infra/plan/plan";
import { renderPlanText } from "../../infra/plan/render-text";
import { useTempDirs } from "../support/temp-dir";
import { writeTestAgentBundle } from "./build-stack";

const root = path.resolve(__dirname, "../..");
const tempDir = useTempDirs("opsdeck-plan");

/** A repository root with the real Pulumi.yaml and the given stack file. */
async function rootWithStack(stack: string, stackFile: string): Promise<string> {
  const dir = await tempDir();
  await writeFile(path.join(dir, "Pulumi.yaml"), await readFile(path.join(root, "Pulumi.yaml"), "utf8"));
  await writeFile(path.join(dir, `Pulumi.${stack}.yaml`), stackFile);
  return dir;
}

describe("the offline plan of the dev stack", () => {
  let plan: Plan;
  const resource = (type: string, name: string) =>
    plan.resources.find((r) => r.type === type && r.name === name);

  beforeAll(async () => {
    plan = await buildPlan({ stack: "dev", agentBundlePath: "dist/never-built/opsdeck-agent.tgz" });
  });

  it("labels itself a plan of declared inputs, not a diff against the cloud", () => {
    expect(plan.banner).toBe(PLAN_BANNER);
    expect(PLAN_BANNER).toMatch(/^PLAN OF DECLARED INPUTS - not a diff against the cloud/);
    expect(renderPlanText(plan).startsWith(PLAN_BANNER)).toBe(true);
  });

  it("keeps every declared input: instance types, IMDSv2, encrypted volumes, the function's settings", () => {
    const web01 = resource("aws:ec2/instance:Instance", "opsdeck-dev-fleet-web01");
    const fn = resource("aws:lambda/function:Function", "opsdeck-dev-dashboard");

    expect(web01?.inputs).toMatchObject({
      instanceType: "t3.micro",
      metadataOptions: { httpTokens: "required" },
      rootBlockDevice: { encrypted: true, volumeSize: 20 },
    });
    expect(fn?.inputs).toMatchObject({ memorySize: 512, timeout: 60, packageType: "Image" });
    expect(plan.summary.resources).toBe(plan.resources.filter((r) => r.custom).length);
  });

  it("shows values only the cloud knows as unknown, never invented: generated names, ids, ARNs and lookups", () => {
    const web01 = resource("aws:ec2/instance:Instance", "opsdeck-dev-fleet-web01");

    expect(plan.outputs.bucketName).toEqual(UNKNOWN);
    expect(plan.outputs.dashboardUrl).toEqual(UNKNOWN);
    expect(web01?.inputs.ami).toEqual(UNKNOWN);
    expect(web01?.inputs.subnetId).toEqual(UNKNOWN);
    expect(resource("aws:lambda/function:Function", "opsdeck-dev-dashboard")?.inputs.imageUri).toEqual(
      UNKNOWN,
    );
    expect(JSON.stringify(plan)).not.toMatch(/arn:aws:|vpc-0|subnet-0|ami-0|sha256:/);
  });

  it("keeps what the config alone decides, such as the Pods' image and the render directory", () => {
    expect(plan.outputs.serverImage).toBe("opsdeck-server:dev");
    expect(plan.outputs.kubernetesManifests).toBe("k8s/rendered/dev");
  });

  it("runs the policy pack: no violations; the checks that read ARNs or looked-up subnets unknown until deployment", () => {
    expect(plan.summary.policies).toEqual({ pass: 11, fail: 0, unknown: 3 });
    const unknown = plan.policies.filter((p) => p.status === "unknown");
    expect(unknown.map((p) => p.policy)).toEqual([
      "s3-bucket-tls-only",
      "alb-two-availability-zones",
      "s3-list-bucket-on-bucket-with-prefix",
    ]);
    expect(unknown[0]?.unknowns).toEqual([
      expect.objectContaining({
        name: "opsdeck-dev-backups",
        message: expect.stringContaining("policy is unknown"),
      }),
    ]);
    expect(unknown[1]?.unknowns[0]?.message).toBe("opsdeck-dev-alb: subnets is unknown until deployment");
  });

  it("says when the agent bundle is not built, leaving its key unknown", () => {
    expect(plan.notes).toContainEqual(
      expect.stringContaining("dist/never-built/opsdeck-agent.tgz is not built"),
    );
    expect(resource("aws:s3/bucketObjectv2:BucketObjectv2", "opsdeck-dev-agent-bundle")?.inputs.key).toEqual(
      UNKNOWN,
    );
  });
});

describe("the offline plan", () => {
  it("names a built agent bundle by its content", async () => {
    const bundle = writeTestAgentBundle();

    const plan = await buildPlan({ stack: "dev", agentBundlePath: bundle.path });

    const upload = plan.resources.find((r) => r.name === "opsdeck-dev-agent-bundle");
    expect(upload?.inputs.key).toBe(`artifacts/opsdeck-${bundle.sha256.slice(0, 16)}.tgz`);
    expect(plan.notes).toEqual([]);
  });

  it("never shows a secret: encrypted values are validated through stand-ins and appear as [secret]", async () => {
    const dir = await rootWithStack(
      "secret",
      [
        "config:",
        "  aws:region: eu-west-1",
        "  opsdeck:alertWebhookUrl:",
        "    secure: v1:AAAAAAAAAAAAAAAAAAAAAA==",
        "  opsdeck:dashboardToken:",
        "    secure: v1:BBBBBBBBBBBBBBBBBBBBBB==",
        "",
      ].join("\n"),
    );

    const plan = await buildPlan({ stack: "secret", root: dir });

    const parameter = plan.resources.find((r) => r.type === "aws:ssm/parameter:Parameter");
    const text = JSON.stringify(plan) + renderPlanText(plan);
    expect(parameter?.inputs.value).toEqual(SECRET);
    expect(renderPlanText(plan)).toContain("value: [secret]");
    expect(text).not.toContain("redacted-");
    expect(plan.notes).toContainEqual(
      expect.stringContaining("opsdeck:alertWebhookUrl, opsdeck:dashboardToken"),
    );
    expect(JSON.stringify(SECRET)).toBe('{"$secret":"redacted"}');
  });

  it("stops on an invalid config, naming the key path", async () => {
    const dir = await rootWithStack("broken", "config:\n  opsdeck:dashboard:\n    schedule: every minute\n");

    await expect(buildPlan({ stack: "broken", root: dir })).rejects.toThrow(ValidationError);
    await expect(buildPlan({ stack: "broken", root: dir })).rejects.toThrow(
      /opsdeck:dashboard\.schedule: expected rate/,
    );
  });

  it("`npm run plan` prints the plan and writes plan.json for review", async () => {
    const out = path.join(await tempDir(), "plan.json");

    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "scripts/plan.ts", "--stack", "dev", "--out", out],
      {
        cwd: root,
        encoding: "utf8",
      },
    );

    expect(run.status).toBe(0);
    expect(run.stdout.startsWith(PLAN_BANNER)).toBe(true);
    expect(run.stdout).toContain("Policies (infra/policy): 11 pass, 0 fail, 3 unknown until deployment");
    expect(JSON.parse(await readFile(out, "utf8"))).toMatchObject({ stack: "dev", banner: PLAN_BANNER });
  });
});
