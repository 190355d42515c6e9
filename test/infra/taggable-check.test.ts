import { describe, expect, it } from "vitest";
import { isTaggableAwsType } from "../support/aws-taggable";

// The "every taggable resource carries the tag set" policy is only as good as this check.
describe("isTaggableAwsType", () => {
  it.each([
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:ec2/instance:Instance",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:iam/role:Role",
    "aws:lb/listener:Listener",
  ])("knows %s takes tags", (type) => {
    expect(isTaggableAwsType(type)).toBe(true);
  });

  it.each([
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    "aws:kms/alias:Alias",
  ])("knows %s takes no tags", (type) => {
    expect(isTaggableAwsType(type)).toBe(false);
  });

  it("refuses a token it cannot find in the provider, instead of guessing", () => {
    expect(() => isTaggableAwsType("aws:s3/bucketV9:BucketV9")).toThrow();
    expect(() => isTaggableAwsType("opsdeck:storage:BackupBucket")).toThrow(/not an AWS resource type/);
  });
});
