import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { policySubjects } from "../../infra/plan/policy-subjects";
import { evaluatePolicies, type PolicyResult } from "../../infra/policy/evaluate";
import { opsdeckPolicies } from "../../infra/policy/rules";
import { readStackConfig } from "../support/pulumi-mocks";
import { buildStack } from "./build-stack";
import { badBuckets, badResources } from "./policy-fixtures";

describe("opsdeck's policies", () => {
  it("are the mandatory ones the issue lists, each with a description", () => {
    expect(opsdeckPolicies.map((policy) => policy.name)).toEqual([
      "s3-bucket-public-access-blocked",
      "s3-bucket-encrypted",
      "s3-bucket-tls-only",
      "no-ssh-rdp-from-internet",
      "ec2-imdsv2-required",
      "ec2-volumes-encrypted",
      "lambda-log-retention-set",
      "ecr-scan-on-push",
      "pods-non-root-with-limits",
      "lambda-public-url-permissions",
      "alb-two-availability-zones",
      "s3-list-bucket-on-bucket-with-prefix",
      "kms-key-policy-allows-users",
      "eventbridge-lambda-permission",
    ]);
    for (const policy of opsdeckPolicies) expect(policy.description.length, policy.name).toBeGreaterThan(30);
  });

  describe("over the dev stack's own resources", () => {
    let results: PolicyResult[];

    beforeAll(async () => {
      const { config, secretKeys } = readStackConfig("dev");
      const { mocks } = await buildStack({ project: "opsdeck", stack: "dev", config, secretKeys });
      results = evaluatePolicies(policySubjects(mocks.resources));
    });

    it("find zero violations, with every policy applying to something", () => {
      for (const result of results) {
        expect(result.violations, result.policy).toEqual([]);
        expect(result.status, result.policy).toBe("pass");
        expect(result.checked, result.policy).toBeGreaterThan(0);
      }
    });
  });

  it.each(badResources.map((entry) => [entry.policy, entry.expected.source, entry] as const))(
    "%s reports a deliberately bad resource (%s)",
    (policy, _pattern, entry) => {
      const [result] = evaluatePolicies(
        entry.subjects,
        opsdeckPolicies.filter((p) => p.name === policy),
      );

      expect(result?.status).toBe("fail");
      expect(result?.violations.map((v) => v.message).join("\n")).toMatch(entry.expected);
    },
  );

  it("names the resource each violation is about", () => {
    const results = evaluatePolicies(badBuckets);
    const encryption = results.find((result) => result.policy === "s3-bucket-encrypted");

    expect(encryption?.violations.map((v) => v.name).sort()).toEqual(["bare", "leaky"]);
  });

  it("call a check that reads a value unknown until deployment unknown, neither a pass nor a violation", () => {
    const subjects = [
      {
        urn: "urn:pulumi:plan::opsdeck::aws:ec2/instance:Instance::web",
        type: "aws:ec2/instance:Instance",
        name: "web",
        props: { metadataOptions: { httpTokens: "required" }, rootBlockDevice: pulumi.unknown },
        propertyDependencies: {},
      },
    ];

    const results = evaluatePolicies(subjects);
    const volumes = results.find((r) => r.policy === "ec2-volumes-encrypted");
    const imds = results.find((r) => r.policy === "ec2-imdsv2-required");

    expect(volumes).toMatchObject({ status: "unknown", violations: [] });
    expect(volumes?.unknowns[0]?.message).toBe("web: rootBlockDevice is unknown until deployment");
    expect(imds?.status).toBe("pass");
  });
});
