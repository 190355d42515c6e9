import { describe, expect, it } from "vitest";
import {
  AGENT_POINTER_KEY,
  agentBundleKey,
  agentConfigKey,
  agentPointer,
  agentReadPolicyDocument,
  LEGACY_POINTER_KEY,
  legacyLauncherKey,
} from "../../../infra/rules/agent-artifacts";
import { isAllowed } from "../../support/iam-evaluator";

const sha = "df7ef897d677012b163ee77745cc15e8e76be4ed345727efde7ed6c2ae103809";
const bucketArn = "arn:aws:s3:::opsdeck-dev-backups-abc1234";

describe("agent artifacts", () => {
  it("name the bundle by its content under artifacts/", () => {
    expect(agentBundleKey(sha)).toBe("artifacts/opsdeck-df7ef897d677012b.tgz");
    expect(() => agentBundleKey("not-a-hash")).toThrow(/sha256/);
  });

  it("point at the bundle in sha256sum format, so a server can verify what it fetched", () => {
    expect(agentPointer(sha)).toBe(`${sha}  artifacts/opsdeck-df7ef897d677012b.tgz\n`);
    expect(AGENT_POINTER_KEY).toBe("artifacts/agent/release.sha256");
  });

  it("keep the pointer and key pattern servers bootstrapped before the archive still read", () => {
    // Their fetch script (test/fixtures/agent/pre-archive/fetch) reads this key and accepts only these names.
    expect(LEGACY_POINTER_KEY).toBe("artifacts/agent/current.sha256");
    expect(legacyLauncherKey(sha)).toMatch(/^artifacts\/opsdeck-[0-9a-f]{16}\.js$/);
  });

  it("let a server read the bundles, the pointers, the legacy launchers and its own config only", () => {
    const policy = agentReadPolicyDocument({ bucketArn, server: "web01" });
    const canRead = (key: string) =>
      isAllowed(policy, { action: "s3:GetObject", resource: `${bucketArn}/${key}` });

    expect(canRead(agentBundleKey(sha))).toBe(true);
    expect(canRead(AGENT_POINTER_KEY)).toBe(true);
    expect(canRead(legacyLauncherKey(sha))).toBe(true);
    expect(canRead(LEGACY_POINTER_KEY)).toBe(true);
    expect(canRead(agentConfigKey("web01"))).toBe(true);
    expect(canRead(agentConfigKey("db01"))).toBe(false);
    expect(canRead("artifacts/other.js")).toBe(false);
    expect(canRead("artifacts/agent/other.sha256")).toBe(false);
    expect(
      isAllowed(policy, { action: "s3:PutObject", resource: `${bucketArn}/${agentConfigKey("web01")}` }),
    ).toBe(false);
  });

  it("let a server read the webhook parameter only when one exists", () => {
    const parameterArn = "arn:aws:ssm:eu-west-1:123456789012:parameter/opsdeck-dev/alert-webhook-url";
    const withWebhook = agentReadPolicyDocument({
      bucketArn,
      server: "web01",
      webhookParameterArn: parameterArn,
    });

    expect(isAllowed(withWebhook, { action: "ssm:GetParameter", resource: parameterArn })).toBe(true);
    expect(
      isAllowed(withWebhook, {
        action: "ssm:GetParameter",
        resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/other",
      }),
    ).toBe(false);
    expect(JSON.stringify(agentReadPolicyDocument({ bucketArn, server: "web01" }))).not.toContain("ssm:");
  });
});
