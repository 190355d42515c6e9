import { describe, expect, it } from "vitest";
import { bucketPolicyDocument } from "../../../infra/rules/bucket-policy";
import { isAllowed } from "../../support/iam-evaluator";

const bucketArn = "arn:aws:s3:::opsdeck-dev-backups-1234567";

describe("bucketPolicyDocument", () => {
  it("denies every S3 action on the bucket and its objects when the request is not over TLS", () => {
    const [statement] = bucketPolicyDocument(bucketArn).Statement;

    expect(statement).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("overrides any grant for plain-HTTP requests and leaves TLS requests to the grants", () => {
    const allowAll = { Effect: "Allow" as const, Action: "s3:*", Resource: "*" };
    const policy = bucketPolicyDocument(bucketArn);
    const combined = { ...policy, Statement: [allowAll, ...policy.Statement] };
    const get = (secureTransport: string) =>
      isAllowed(combined, {
        action: "s3:GetObject",
        resource: `${bucketArn}/backups/web01/a.tar.gz`,
        context: { "aws:SecureTransport": secureTransport },
      });

    expect(get("false")).toBe(false);
    expect(get("true")).toBe(true);
  });

  it("grants nothing by itself, so it can never make the bucket public", () => {
    expect(bucketPolicyDocument(bucketArn).Statement.every((s) => s.Effect === "Deny")).toBe(true);
  });
});
