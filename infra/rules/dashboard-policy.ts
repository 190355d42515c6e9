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

/** What the dashboard may list: its own prefixes, host heartbeats and the backup listings. */
export const DASHBOARD_LISTED_PREFIXES = [...DASHBOARD_OWNED_PREFIXES, "hosts/", "backups/"] as const;

/**
 * The dashboard function's inline policy: read and write the checks-round prefixes, read host
 * heartbeats, list those prefixes and the backup listings, use the bucket key, and write its own log
 * group. Nothing else — not the agent artifacts, not backup contents.
 *
 * With a prefix-conditioned ListBucket, S3 answers a read of a missing key with 403 rather than 404;
 * the S3 store tells the two apart by listing exactly that key (app/storage/s3-store.ts).
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
    {
      Sid: "ListStatusPrefixes",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": DASHBOARD_LISTED_PREFIXES.map((prefix) => `${prefix}*`) } },
    },
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
