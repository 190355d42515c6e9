import type { PolicyDocument } from "./policy-document";

/** The backup bucket's resource policy: every request over plain HTTP is denied, whoever sends it. */
export function bucketPolicyDocument(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
