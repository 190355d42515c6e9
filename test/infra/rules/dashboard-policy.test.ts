import { describe, expect, it } from "vitest";
import { dashboardPolicyDocument, lambdaTrustPolicyDocument } from "../../../infra/rules/dashboard-policy";
import { isAllowed } from "../../support/iam-evaluator";

const bucketArn = "arn:aws:s3:::opsdeck-dev-backups-abc1234";
const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/0000-1111";
const logGroupArn = "arn:aws:logs:eu-west-1:123456789012:log-group:/opsdeck/opsdeck-dev/dashboard";
const policy = dashboardPolicyDocument({ bucketArn, kmsKeyArn, logGroupArn });
const can = (action: string, resource: string) => isAllowed(policy, { action, resource });

describe("the dashboard function's policy", () => {
  it("reads, writes and deletes check history and alert state", () => {
    for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) {
      expect(can(action, `${bucketArn}/checks/web/2026-01-01.jsonl`), action).toBe(true);
      expect(can(action, `${bucketArn}/state/alerts.json`), action).toBe(true);
    }
  });

  it("cannot write outside its prefixes: not heartbeats, backups, artifacts or the bucket root", () => {
    for (const key of [
      "hosts/web01.json",
      "backups/web01/x.tar.gz",
      "artifacts/agent/web01.json",
      "top.json",
    ]) {
      expect(can("s3:PutObject", `${bucketArn}/${key}`), key).toBe(false);
      expect(can("s3:DeleteObject", `${bucketArn}/${key}`), key).toBe(false);
    }
  });

  it("reads host heartbeats but not backup archives or agent artifacts", () => {
    expect(can("s3:GetObject", `${bucketArn}/hosts/web01.json`)).toBe(true);
    expect(can("s3:GetObject", `${bucketArn}/backups/web01/x.tar.gz`)).toBe(false);
    expect(can("s3:GetObject", `${bucketArn}/artifacts/opsdeck-0123456789abcdef.tgz`)).toBe(false);
  });

  it("lists its own prefixes, heartbeats and backup listings, but not artifacts or the bucket root", () => {
    const lists = (prefix: string) =>
      isAllowed(policy, { action: "s3:ListBucket", resource: bucketArn, context: { "s3:prefix": prefix } });

    for (const prefix of [
      "checks/",
      "checks/web/",
      "state/alerts/",
      "hosts/",
      "hosts/web01.json",
      "backups/web01/",
    ]) {
      expect(lists(prefix), prefix).toBe(true);
    }
    for (const prefix of ["", "artifacts/", "artifacts/agent/web01.json"]) {
      expect(lists(prefix), prefix).toBe(false);
    }
    expect(isAllowed(policy, { action: "s3:ListBucket", resource: bucketArn })).toBe(false);
  });

  it("uses only the bucket's key, and writes only its own log group", () => {
    expect(can("kms:Decrypt", kmsKeyArn)).toBe(true);
    expect(can("kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/other")).toBe(false);
    expect(can("logs:PutLogEvents", `${logGroupArn}:log-stream:2026/01/01/[$LATEST]abc`)).toBe(true);
    expect(
      can("logs:PutLogEvents", "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/other:*"),
    ).toBe(false);
    expect(can("logs:CreateLogGroup", logGroupArn)).toBe(false);
  });

  it("has no KMS statement when the bucket uses S3-managed keys", () => {
    const aes = dashboardPolicyDocument({ bucketArn, logGroupArn });

    expect(JSON.stringify(aes)).not.toContain("kms:");
  });

  it("is assumed by the Lambda service only", () => {
    expect(lambdaTrustPolicyDocument().Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });
});
