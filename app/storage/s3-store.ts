import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  assertValidKey,
  assertValidPrefix,
  normaliseMetadata,
  type ObjectInfo,
  type PutOptions,
  type PutStreamOptions,
  type Store,
  type StoredObject,
  StoreError,
  StoreNotFoundError,
} from "./store";

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket (`opsdeck/`); empty for the bucket root. */
  prefix?: string;
  client: S3Client;
  /** Multipart part size in bytes (S3 minimum 5 MiB). Memory held per upload ≈ partSize × queueSize. */
  partSize?: number;
  queueSize?: number;
}

export interface S3ClientOptions {
  region?: string;
  /** An S3-compatible endpoint (MinIO, s3rver, …); path-style addressing is used with it. */
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: S3ClientConfig["credentials"];
}

/** Builds an S3 client; credentials come from the default AWS chain unless given. */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  return new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/** S3's limit for CopyObject; larger objects would need a multipart copy. */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === "NoSuchKey" || name === "NotFound" || statusOf(error) === 404;
}

function isForbidden(error: unknown): boolean {
  return statusOf(error) === 403;
}

/**
 * A store in an S3 bucket (AWS or any S3-compatible server).
 * Single puts are atomic by S3's nature; streams go through a multipart upload that only becomes
 * visible on completion and is aborted on failure, so nothing partial appears at the key.
 */
export class S3Store implements Store {
  readonly location: string;
  private readonly prefix: string;

  constructor(private readonly options: S3StoreOptions) {
    const raw = options.prefix ?? "";
    this.prefix = raw === "" || raw.endsWith("/") ? raw : `${raw}/`;
    assertValidPrefix(this.prefix);
    this.location = `s3://${options.bucket}/${this.prefix}`;
  }

  private fullKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  /**
   * S3 answers a read of a missing key with 403 instead of 404 when the caller may not list that key
   * — which is every least-privilege role whose `s3:ListBucket` carries an `s3:prefix` condition
   * (the fleet's instance roles). A 403 is therefore only "missing" if a listing of exactly that key,
   * which such roles may do, comes back empty; otherwise it is a real denial and stays an error.
   */
  private async isMissingBehind403(Key: string, error: unknown): Promise<boolean> {
    if (!isForbidden(error)) return false;
    try {
      const out = await this.options.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: Key, MaxKeys: 1 }),
      );
      return !(out.Contents ?? []).some((item) => item.Key === Key);
    } catch {
      return false;
    }
  }

  private fail(action: string, key: string, error: unknown): StoreError {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new StoreError(`cannot ${action} ${key} in ${this.location} (${detail})`, key, { cause: error });
  }

  async get(key: string): Promise<Buffer | undefined> {
    const Key = this.fullKey(key);
    try {
      const out = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key }));
      if (!out.Body) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (error) {
      if (isMissing(error) || (await this.isMissingBehind403(Key, error))) return undefined;
      throw this.fail("read", key, error);
    }
  }

  async put(key: string, body: string | Uint8Array, options: PutOptions = {}): Promise<void> {
    const Key = this.fullKey(key);
    try {
      await this.options.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key,
          Body: body,
          ContentType: options.contentType,
          Metadata: normaliseMetadata(options.metadata),
        }),
      );
    } catch (error) {
      throw this.fail("write", key, error);
    }
  }

  async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<ObjectInfo> {
    const Key = this.fullKey(key);
    const abortController = new AbortController();
    const upload = new Upload({
      client: this.options.client,
      params: {
        Bucket: this.options.bucket,
        Key,
        Body: body,
        ContentType: options.contentType,
        Metadata: normaliseMetadata(options.metadata),
      },
      partSize: this.options.partSize ?? 8 * 1024 * 1024,
      queueSize: this.options.queueSize ?? 4,
      // Abort the multipart upload on any failure: no orphaned parts, nothing at the key.
      leavePartsOnError: false,
      abortController,
    });
    const onAbort = () => abortController.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // A source stream that fails must fail the upload too, not leave it waiting for data.
    // Its error is the real cause; the SDK would only report "Upload aborted".
    let sourceError: unknown;
    const onSourceError = (error: unknown) => {
      sourceError = error;
      abortController.abort();
    };
    body.once("error", onSourceError);
    if (options.onProgress) {
      const report = options.onProgress;
      upload.on("httpUploadProgress", (progress) => report(progress.loaded ?? 0));
    }
    try {
      if (options.signal?.aborted) abortController.abort();
      await upload.done();
    } catch (error) {
      throw this.fail("upload", key, sourceError ?? error);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      body.off("error", onSourceError);
    }
    const trailing = options.trailingMetadata?.();
    if (trailing && Object.keys(trailing).length > 0) {
      await this.replaceMetadata(key, { ...options.metadata, ...trailing }, options.contentType);
    }
    const info = await this.head(key);
    if (!info) throw new StoreError(`${key} is missing right after its upload completed`, key);
    return info;
  }

  /** Rewrites an object's metadata with a copy onto itself; S3 allows single copies up to 5 GiB. */
  private async replaceMetadata(key: string, metadata: Record<string, string>, contentType?: string) {
    const info = await this.head(key);
    if (!info || info.size > MAX_SINGLE_COPY_BYTES) return;
    const Key = this.fullKey(key);
    const source = `${this.options.bucket}/${Key.split("/").map(encodeURIComponent).join("/")}`;
    try {
      await this.options.client.send(
        new CopyObjectCommand({
          Bucket: this.options.bucket,
          Key,
          CopySource: source,
          MetadataDirective: "REPLACE",
          ContentType: contentType,
          Metadata: normaliseMetadata(metadata),
        }),
      );
    } catch (error) {
      throw this.fail("set metadata of", key, error);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const Key = this.fullKey(key);
    try {
      const out = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key }));
      if (!out.Body) return Readable.from([]);
      return out.Body as Readable;
    } catch (error) {
      if (isMissing(error) || (await this.isMissingBehind403(Key, error)))
        throw new StoreNotFoundError(key, this.location);
      throw this.fail("read", key, error);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.fullKey(key);
    try {
      const out = await this.options.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        lastModified: out.LastModified ?? new Date(0),
        metadata: normaliseMetadata(out.Metadata),
      };
    } catch (error) {
      if (isMissing(error) || (await this.isMissingBehind403(Key, error))) return undefined;
      throw this.fail("stat", key, error);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertValidPrefix(prefix);
    const pages = paginateListObjectsV2(
      { client: this.options.client },
      { Bucket: this.options.bucket, Prefix: this.prefix + prefix },
    );
    try {
      for await (const page of pages) {
        for (const item of page.Contents ?? []) {
          if (!item.Key) continue;
          yield {
            key: item.Key.slice(this.prefix.length),
            size: item.Size ?? 0,
            lastModified: item.LastModified ?? new Date(0),
          };
        }
      }
    } catch (error) {
      throw this.fail("list", prefix, error);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.fullKey(key);
    try {
      await this.options.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key }));
    } catch (error) {
      if (isMissing(error)) return;
      throw this.fail("delete", key, error);
    }
  }
}
