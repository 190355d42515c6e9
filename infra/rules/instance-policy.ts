import type { PolicyDocument, PolicyStatement } from "./policy-document";

export interface InstancePolicyInput {
  bucketArn: string;
  /** The server's configured name; it owns `backups/<server>/` and `hosts/<server>.*`. */
  server: string;
  /** The bucket's KMS key, when the bucket is encrypted with KMS (S3 calls KMS on the caller's behalf). */
  kmsKeyArn?: string;
}

/**
 * The key prefixes a server owns in the backup bucket. The heartbeat prefix ends in `.` rather than
 * `*` directly after the name, so `web01` cannot write `hosts/web010.json` (server names hold no dots).
 */
export function ownedKeyPatterns(server: string): string[] {
  return [`backups/${server}/*`, `hosts/${server}.*`];
}

/**
 * The inline policy of a server's instance role: read, write and delete its own prefixes, list only
 * those prefixes, and use the bucket key. Nothing else in the bucket is reachable.
 */
export function instancePolicyDocument({
  bucketArn,
  server,
  kmsKeyArn,
}: InstancePolicyInput): PolicyDocument {
  const patterns = ownedKeyPatterns(server);
  const statements: PolicyStatement[] = [
    {
      Sid: "OwnObjects",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: patterns.map((pattern) => `${bucketArn}/${pattern}`),
    },
    {
      Sid: "ListOwnPrefixes",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": patterns } },
    },
  ];
  if (kmsKeyArn !== undefined) {
    statements.push({
      Sid: "UseBucketKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: kmsKeyArn,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The trust policy that lets EC2 instances assume the role through their instance profile. */
export function instanceTrustPolicyDocument(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
}
