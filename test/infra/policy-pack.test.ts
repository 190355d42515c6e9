import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { policySubjects } from "../../infra/plan/policy-subjects";
import { opsdeckPolicies } from "../../infra/policy/rules";
import { readStackConfig } from "../support/pulumi-mocks";
import { buildStack } from "./build-stack";
import { type PolicyAnalyzer, startPolicyAnalyzer } from "./policy-analyzer";
import { badBuckets, badResources } from "./policy-fixtures";

const packDir = path.resolve(__dirname, "../../infra/policy");
let analyzer: PolicyAnalyzer;

beforeAll(async () => {
  analyzer = await startPolicyAnalyzer();
});

afterAll(() => {
  analyzer?.close();
});

describe("the policy pack, served as `pulumi preview --policy-pack infra/policy` serves it", () => {
  it("is a TypeScript Node.js pack with an entry point and the version @pulumi/policy requires", () => {
    const project = parse(readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8"));
    const pkg = JSON.parse(readFileSync(path.join(packDir, "package.json"), "utf8"));

    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true } });
    expect(existsSync(path.join(packDir, project.main))).toBe(true);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("loads as `opsdeck` with every policy mandatory", async () => {
    const info = await analyzer.info();

    expect(info.name).toBe("opsdeck");
    expect(info.policies).toEqual(opsdeckPolicies.map((policy) => ({ name: policy.name, mandatory: true })));
  });

  it("passes the dev stack's own resources with zero violations", async () => {
    const { config, secretKeys } = readStackConfig("dev");
    const { mocks } = await buildStack({ project: "opsdeck", stack: "dev", config, secretKeys });
    const subjects = policySubjects(mocks.resources);

    const perResource = await Promise.all(subjects.map((subject) => analyzer.analyze(subject)));
    const stack = await analyzer.analyzeStack(subjects);

    expect(perResource.flat()).toEqual([]);
    expect(stack).toEqual([]);
  });

  it("reports a deliberately bad resource as a mandatory violation of its policy", async () => {
    // Resource policies run per resource (Analyze); stack policies over the whole stack (AnalyzeStack).
    const stackPolicies = new Set(opsdeckPolicies.filter((p) => p.kind === "stack").map((p) => p.name));
    for (const entry of badResources) {
      const [single] = entry.subjects;
      const diagnostics =
        stackPolicies.has(entry.policy) || single === undefined
          ? await analyzer.analyzeStack(entry.subjects)
          : await analyzer.analyze(single);
      const mine = diagnostics.filter((d) => d.policy === entry.policy);

      expect(mine.length, entry.policy).toBeGreaterThan(0);
      expect(
        mine.every((d) => d.mandatory),
        entry.policy,
      ).toBe(true);
      expect(mine.map((d) => d.message).join("\n"), entry.policy).toMatch(entry.expected);
    }
  });

  it("reports buckets that are public, unencrypted or reachable without TLS, from the stack as a whole", async () => {
    const diagnostics = await analyzer.analyzeStack(badBuckets);

    expect(new Set(diagnostics.map((d) => d.policy))).toEqual(
      new Set(["s3-bucket-public-access-blocked", "s3-bucket-encrypted", "s3-bucket-tls-only"]),
    );
    // Pulumi puts the policy's description first, then the message.
    expect(diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringContaining("\nbare: has no public access block"),
    );
  });
});
