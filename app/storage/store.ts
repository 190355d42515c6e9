import type { Readable } from "node:stream";

/** An object as a listing shows it. */
export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** What `head` knows about one object. `metadata` keys are lower-case (S3 semantics). */
export interface ObjectInfo extends StoredObject {
  metadata: Record<string, string>;
}

/**
 * A write that was started and never finished, because the process doing it was killed: invisible
 * to `get` and `list`, but holding space until someone removes it.
 */
export interface UnfinishedWrite {
  /** The key it was writing. */
  key: string;
  /** Bytes written so far. */
  size: number;
  /** Its last write; one that stays old has no writer any more. */
  lastModified: Date;
  /** What identifies it to the store (LocalStore: the temp file's name). */
  ref: string;
}

export interface PutOptions {
  contentType?: string;
  /** Small string metadata stored with the object (e.g. `sha256`). Keys are lower-cased. */
  metadata?: Record<string, string>;
}

export interface PutStreamOptions extends PutOptions {
  /** Aborting stops the upload and leaves nothing at `key`. */
  signal?: AbortSignal;
  /** Called with the number of bytes accepted so far. */
  onProgress?: (bytes: number) => void;
  /**
   * Metadata known only once the whole body has been read (a checksum computed while streaming).
   * Called after the body ended and merged over `metadata`. S3 fixes an object's metadata when its
   * multipart upload starts, so S3Store applies these with a server-side copy onto the same key
   * (objects up to 5 GiB; larger ones keep only `metadata` — check `ObjectInfo.metadata`).
   */
  trailingMetadata?: () => Record<string, string>;
}

/**
 * The storage every opsdeck part shares: a local directory on a laptop, an S3 bucket in AWS.
 *
 * Keys are `/`-separated relative paths (`checks/web/2026-11-21.jsonl`). Writes are atomic:
 * a reader sees the old object or the complete new one, never a partial one, and a failed or
 * aborted write leaves nothing behind at the key. There is no append and no locking (S3 has
 * neither), so callers lay data out to avoid read-modify-write races.
 */
export interface Store {
  /** Where the data lives, for logs and the UI: `file:///var/lib/opsdeck` or `s3://bucket/prefix/`. */
  readonly location: string;
  get(key: string): Promise<Buffer | undefined>;
  put(key: string, body: string | Uint8Array, options?: PutOptions): Promise<void>;
  /** Streams `body` to `key` (multipart on S3, temp file + rename locally). Resolves with the stored object. */
  putStream(key: string, body: Readable, options?: PutStreamOptions): Promise<ObjectInfo>;
  /**
   * Optional (LocalStore): has `write` fill the new object's file through a descriptor, for a
   * program that writes its output itself (a compressor given it as stdout), then publishes it as
   * putStream does: atomically, with `trailingMetadata`. The descriptor is open for reading too, so
   * `write` can checksum what was written; if `write` rejects, nothing is left at `key`.
   */
  putFromDescriptor?(
    key: string,
    write: (fd: number) => Promise<void>,
    options?: PutStreamOptions,
  ): Promise<ObjectInfo>;
  /** Opens `key` for reading; rejects with StoreNotFoundError when it does not exist. */
  getStream(key: string): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, in key order (without metadata: use `head`). */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** Deletes `key`; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Writes under `prefix` that a killed process left unfinished. Optional: LocalStore has it (its
   * hidden temp files); an S3 bucket's incomplete multipart uploads are removed by its
   * AbortIncompleteMultipartUpload lifecycle rule instead.
   */
  listUnfinishedWrites?(prefix: string): AsyncIterable<UnfinishedWrite>;
  /** Removes what an unfinished write left; removing one that is already gone is not an error. */
  removeUnfinishedWrite?(write: UnfinishedWrite): Promise<void>;
}

export class StoreError extends Error {
  override readonly name: string = "StoreError";
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class StoreNotFoundError extends StoreError {
  override readonly name = "StoreNotFoundError";
  constructor(key: string, location: string) {
    super(`no object at ${key} in ${location}`, key);
  }
}

const SEGMENT = /^[A-Za-z0-9._@=+,:-]+$/;

/**
 * Rejects keys that could escape a local root or mean different things on the two backends:
 * absolute paths, `..`, empty segments, backslashes, control characters, hidden segments
 * (reserved for temp files and metadata).
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new StoreError(`invalid store key ${JSON.stringify(key)}: ${problem}`, key);
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "empty";
  if (key.length > 900) return "longer than 900 characters";
  if (key.startsWith("/")) return "must be relative (no leading /)";
  for (const segment of key.split("/")) {
    if (segment === "") return "empty path segment";
    if (segment === "." || segment === "..") return "`.` and `..` segments are not allowed";
    if (segment.startsWith(".")) return "segments starting with `.` are reserved";
    if (!SEGMENT.test(segment))
      return `segment ${JSON.stringify(segment)} has characters outside [A-Za-z0-9._@=+,:-]`;
  }
  return undefined;
}

/** Validates a list prefix: like a key, but may be empty or end with `/`. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === "") return;
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  const problem = keyProblem(trimmed);
  if (problem) throw new StoreError(`invalid store prefix ${JSON.stringify(prefix)}: ${problem}`, prefix);
}

/** Lower-cases metadata keys so both backends return what S3 would. */
export function normaliseMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** Reads a whole stream into memory; for small objects only. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
