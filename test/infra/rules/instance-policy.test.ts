import { describe, expect, it } from "vitest";
import {
  instancePolicyDocument,
  instanceTrustPolicyDocument,
  ownedKeyPatterns,
} from "../../../infra/rules/instance-policy";
import { isAllowed } from "../../support/iam-evaluator";

const bucketArn = "arn:aws:s3:::opsdeck-dev-backups-1234567";
const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/0d1e2f3a-0000-1111-2222-333344445555";
const policy = instancePolicyDocument({ bucketArn, server: "web01", kmsKeyArn });
const put = (key: string) => isAllowed(policy, { action: "s3:PutObject", resource: `${bucketArn}/${key}` });

describe("instancePolicyDocument", () => {
  it("lets a server write its own backups and heartbeat", () => {
    expect(put("backups/web01/20250101T000000Z-etc.tar.gz")).toBe(true);
    expect(put("backups/web01/20250101T000000Z-etc.manifest.json")).toBe(true);
    expect(put("hosts/web01.json")).toBe(true);
  });

  it("refuses writes to other servers' prefixes, including names that merely start with its own", () => {
    expect(put("backups/web02/20250101T000000Z-etc.tar.gz")).toBe(false);
    expect(put("backups/web010/x.tar.gz")).toBe(false);
    expect(put("hosts/web02.json")).toBe(false);
    expect(put("hosts/web010.json")).toBe(false);
  });

  it("refuses writes anywhere else in the bucket and in other buckets", () => {
    expect(put("state/alerts.json")).toBe(false);
    expect(put("checks/http/2025-01-01.jsonl")).toBe(false);
    expect(
      isAllowed(policy, { action: "s3:PutObject", resource: "arn:aws:s3:::someone-else/backups/web01/x" }),
    ).toBe(false);
  });

  it("allows deleting only its own backups (retention) and nothing bucket-wide", () => {
    const del = (key: string) =>
      isAllowed(policy, { action: "s3:DeleteObject", resource: `${bucketArn}/${key}` });

    expect(del("backups/web01/old.tar.gz")).toBe(true);
    expect(del("backups/db01/old.tar.gz")).toBe(false);
    expect(isAllowed(policy, { action: "s3:DeleteBucket", resource: bucketArn })).toBe(false);
    expect(isAllowed(policy, { action: "s3:PutBucketPolicy", resource: bucketArn })).toBe(false);
  });

  it("lists only its own prefixes", () => {
    const list = (prefix: string) =>
      isAllowed(policy, { action: "s3:ListBucket", resource: bucketArn, context: { "s3:prefix": prefix } });

    expect(list("backups/web01/")).toBe(true);
    expect(list("backups/")).toBe(false);
    expect(list("backups/web02/")).toBe(false);
    expect(list("")).toBe(false);
  });

  it("may use the bucket's KMS key when there is one, and no KMS statement otherwise", () => {
    expect(isAllowed(policy, { action: "kms:GenerateDataKey", resource: kmsKeyArn })).toBe(true);
    expect(isAllowed(policy, { action: "kms:Decrypt", resource: kmsKeyArn })).toBe(true);

    const sseS3 = instancePolicyDocument({ bucketArn, server: "web01" });
    expect(JSON.stringify(sseS3)).not.toContain("kms:");
  });

  it("owns exactly backups/<server>/ and hosts/<server>.*", () => {
    expect(ownedKeyPatterns("db01")).toEqual(["backups/db01/*", "hosts/db01.*"]);
  });
});

describe("instanceTrustPolicyDocument", () => {
  it("lets only the EC2 service assume the role", () => {
    expect(instanceTrustPolicyDocument().Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });
});
