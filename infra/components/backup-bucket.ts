import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BackupBucketConfig } from "../config";
import { bucketPolicyDocument } from "../rules/bucket-policy";
import { lifecycleRules } from "../rules/lifecycle";
import type { Tags } from "../rules/tags";

export interface BackupBucketArgs {
  settings: BackupBucketConfig;
  tags: Tags;
}

/**
 * The S3 bucket that holds backups, heartbeats and check history: private, versioned, encrypted,
 * TLS-only, with lifecycle rules that archive and expire backups.
 */
export class BackupBucket extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  /** The KMS key the bucket encrypts with; undefined when the bucket uses S3-managed keys (AES256). */
  public readonly kmsKeyArn: pulumi.Output<string> | undefined;

  private readonly bucket: aws.s3.Bucket;
  private readonly settings: BackupBucketConfig;
  private readonly tags: Tags;

  constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("opsdeck:storage:BackupBucket", name, {}, opts);
    this.settings = args.settings;
    this.tags = args.tags;

    this.bucket = this.createBucket(name);
    const key = this.settings.encryption === "aws:kms" ? this.createKey(name) : undefined;
    this.encrypt(name, key);
    const publicAccessBlock = this.blockPublicAccess(name);
    this.enforceBucketOwnership(name);
    this.denyInsecureTransport(name, publicAccessBlock);
    const versioning = this.enableVersioning(name);
    this.addLifecycle(name, versioning);
    if (this.settings.objectLock !== undefined) this.lockObjects(name, versioning, this.settings.objectLock);

    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.kmsKeyArn = key?.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn, kmsKeyArn: this.kmsKeyArn });
  }

  private createBucket(name: string): aws.s3.Bucket {
    return new aws.s3.Bucket(
      name,
      {
        // Off by default so a `pulumi destroy` cannot silently delete every backup.
        forceDestroy: this.settings.forceDestroy,
        // Object Lock can only be switched on when the bucket is created.
        objectLockEnabled: this.settings.objectLock !== undefined ? true : undefined,
        tags: this.tags,
      },
      { parent: this },
    );
  }

  private createKey(name: string): aws.kms.Key {
    // A customer-managed key, rotated yearly, so access can be revoked and audited separately from S3.
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the opsdeck backup bucket ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: this.tags,
      },
      { parent: this },
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${name}`, targetKeyId: key.keyId },
      { parent: this },
    );
    return key;
  }

  private encrypt(name: string, key: aws.kms.Key | undefined): void {
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: this.bucket.id,
        rules: [
          key === undefined
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
            : {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
                // A bucket key cuts KMS requests (and their cost) for the many small heartbeat writes.
                bucketKeyEnabled: true,
              },
        ],
      },
      { parent: this },
    );
  }

  private blockPublicAccess(name: string): aws.s3.BucketPublicAccessBlock {
    return new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
  }

  private enforceBucketOwnership(name: string): void {
    // ACLs disabled: the bucket owner owns every object, whoever uploads it.
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
  }

  private denyInsecureTransport(name: string, publicAccessBlock: aws.s3.BucketPublicAccessBlock): void {
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      {
        bucket: this.bucket.id,
        policy: this.bucket.arn.apply((arn) => JSON.stringify(bucketPolicyDocument(arn))),
      },
      // S3 rejects concurrent policy and public-access-block changes on one bucket.
      { parent: this, dependsOn: [publicAccessBlock] },
    );
  }

  private enableVersioning(name: string): aws.s3.BucketVersioning {
    return new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
  }

  private addLifecycle(name: string, versioning: aws.s3.BucketVersioning): void {
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket: this.bucket.id, rules: lifecycleRules(this.settings) },
      // Noncurrent-version rules only make sense once versioning is on.
      { parent: this, dependsOn: [versioning] },
    );
  }

  private lockObjects(
    name: string,
    versioning: aws.s3.BucketVersioning,
    lock: NonNullable<BackupBucketConfig["objectLock"]>,
  ): void {
    // Default retention: every new object version is write-once for `days`.
    new aws.s3.BucketObjectLockConfiguration(
      `${name}-object-lock`,
      { bucket: this.bucket.id, rule: { defaultRetention: { mode: lock.mode, days: lock.days } } },
      { parent: this, dependsOn: [versioning] },
    );
  }
}
