/** How long backups stay hot, when they move to an archive class and when they are deleted. */
export interface LifecycleInput {
  /** Days after upload when `backups/` objects move to `archiveStorageClass`. */
  archiveAfterDays: number;
  archiveStorageClass: string;
  /** Days after upload when `backups/` objects expire (a delete marker; the version is kept as noncurrent). */
  expireAfterDays: number;
  /** Days a noncurrent version (an overwritten heartbeat, an expired backup) is kept before deletion. */
  noncurrentVersionExpireDays: number;
}

/** Incomplete multipart uploads are invisible but billed; a week is ample for any resumable upload. */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = 7;

/** One rule of an S3 bucket lifecycle configuration, in the shape `aws.s3.BucketLifecycleConfiguration` takes. */
export interface LifecycleRule {
  id: string;
  status: "Enabled";
  filter: { prefix?: string };
  transitions?: { days: number; storageClass: string }[];
  expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
  noncurrentVersionExpiration?: { noncurrentDays: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

/**
 * The backup bucket's lifecycle rules. `prefix: ""` means the whole bucket: the AWS provider warns that
 * an empty filter (`{}`) will become an error (hashicorp/terraform-provider-aws#42126).
 */
export function lifecycleRules(input: LifecycleInput): LifecycleRule[] {
  return [
    {
      id: "archive-then-expire-backups",
      status: "Enabled",
      filter: { prefix: "backups/" },
      transitions: [{ days: input.archiveAfterDays, storageClass: input.archiveStorageClass }],
      expiration: { days: input.expireAfterDays },
    },
    {
      // Heartbeats overwrite `hosts/<host>.json` every few seconds; without this rule every old version is kept.
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays: input.noncurrentVersionExpireDays },
    },
    {
      // S3 refuses `expiredObjectDeleteMarker` together with `days`, so markers get their own rule.
      id: "remove-expired-delete-markers",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { expiredObjectDeleteMarker: true },
    },
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: { prefix: "" },
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_DAYS },
    },
  ];
}
