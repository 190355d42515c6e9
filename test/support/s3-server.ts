import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { createS3Client } from "../../app/storage/s3-store";

/** A real S3-compatible server (s3rver) on 127.0.0.1 with its data in a temp dir. */
export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  /** Creates a bucket and returns its name. */
  createBucket(name?: string): Promise<string>;
  /**
   * Multipart uploads started and neither completed nor aborted, read from s3rver's data directory
   * (s3rver does not implement ListMultipartUploads): the key and the part numbers stored so far.
   */
  pendingUploads(bucket: string): Promise<Array<{ key: string; parts: number[] }>>;
  /** The file s3rver keeps an object's bytes in, for corrupting it behind S3's back. */
  objectFile(bucket: string, key: string): string;
  close(): Promise<void>;
}

let bucketCounter = 0;
/** s3rver's layout (lib/stores/filesystem.js): `<bucket>/._S3rver_uploads/<uploadId>/{key,<n>,<n>.md5}`. */
const S3RVER_UPLOADS = "._S3rver_uploads";

/**
 * One upload directory, or undefined while it is not a pending upload: s3rver creates the directory
 * before it writes the key (a reader polling an upload being started sees it empty), and removes it on
 * complete or abort (a reader can lose it between two reads).
 */
async function readPendingUpload(dir: string): Promise<{ key: string; parts: number[] } | undefined> {
  try {
    const [files, key] = await Promise.all([readdir(dir), readFile(path.join(dir, "key"), "utf8")]);
    if (key === "") return undefined;
    return {
      key,
      // A part counts once its checksum file exists: s3rver writes that after the part's bytes.
      parts: files
        .filter((f) => /^\d+\.md5$/.test(f))
        .map((f) => Number.parseInt(f, 10))
        .sort((a, b) => a - b),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export async function startLocalS3(): Promise<LocalS3> {
  const directory = await mkdtemp(path.join(tmpdir(), "opsdeck-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = createS3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    endpoint,
    client,
    async createBucket(name = `test-bucket-${process.pid}-${++bucketCounter}`) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async pendingUploads(bucket) {
      const uploads = path.join(directory, bucket, S3RVER_UPLOADS);
      const ids = await readdir(uploads).catch(() => []);
      const found = await Promise.all(ids.map((id) => readPendingUpload(path.join(uploads, id))));
      return found.filter((u) => u !== undefined);
    },
    objectFile(bucket, key) {
      return `${path.join(directory, bucket, ...key.split("/"))}._S3rver_object`;
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
