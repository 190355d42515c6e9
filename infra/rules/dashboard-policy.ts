import type { PolicyDocument, PolicyStatement } from "./policy-document";

export interface DashboardPolicyInput {
  bucketArn: string;
  /** The bucket's KMS key, when the bucket is encrypted with KMS (S3 calls KMS on the caller's behalf). */
  kmsKeyArn?: string;
  /** The function's own log group. */
  logGroupArn: string;
}

/** The key prefixes the checks rounds own: per-check history and alert state. */
export const DASHBOARD_OWNED_PREFIXES = ["checks/", "state/"] as const;

/**
 * The dashboard function's inline policy: read and write the checks-round prefixes, read host
 * heartbeats, list the bucket, use the bucket key, and write its own log group. Nothing else.
 *
 * ListBucket is not limited by prefix on purpose: S3 answers a read of a missing key with 404 only to a
 * caller allowed to list the bucket (the request carries no prefix to match), and the store treats
 * "missing" as normal state (no alert state yet) but any 403 as a failure. Listing reveals key names,
 * never contents.
 */
export function dashboardPolicyDocument({
  bucketArn,
  kmsKeyArn,
  logGroupArn,
}: DashboardPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "CheckRoundObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: DASHBOARD_OWNED_PREFIXES.map((prefix) => `${bucketArn}/${prefix}*`),
    },
    {
      Sid: "ReadHostHeartbeats",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `${bucketArn}/hosts/*`,
    },
    { Sid: "ListBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
  ];
  if (kmsKeyArn !== undefined)
    statements.push({
      Sid: "UseBucketKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: kmsKeyArn,
    });
  statements.push({
    Sid: "WriteOwnLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArn}:*`,
  });
  return { Version: "2012-10-17", Statement: statements };
}

/** The trust policy that lets the Lambda service run the function with the role. */
export function lambdaTrustPolicyDocument(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  };
}
