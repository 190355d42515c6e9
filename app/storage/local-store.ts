import { randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
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
  type UnfinishedWrite,
} from "./store";

/** Metadata lives beside the data in a hidden tree, so it never shows up in `list`. */
const META_DIR = ".meta";
/** State can hold host details: readable by the owner and its group only. */
const FILE_MODE = 0o640;

/** `.<name>.tmp-<12 hex digits>`: a write in progress, or one whose process was killed. */
const TEMP_FILE = /^\.(.+)\.tmp-[0-9a-f]{12}$/;

/** The deepest directory a list prefix names (`backups/web01/2026` → `backups/web01`). */
function startOf(prefix: string): string {
  const slash = prefix.lastIndexOf("/");
  return slash === -1 ? "" : prefix.slice(0, slash);
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/**
 * A store in a local directory: the embedded default for laptops and tests.
 * Every write goes to a hidden temp file in the target's directory and is renamed into place,
 * so a crash or an aborted stream never leaves a partial object at a key.
 */
export class LocalStore implements Store {
  readonly location: string;

  constructor(readonly root: string) {
    this.root = path.resolve(root);
    this.location = pathToFileURL(this.root).href;
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split("/"));
  }

  private metaPathOf(key: string): string {
    return path.join(this.root, META_DIR, ...`${key}.json`.split("/"));
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new StoreError(`cannot read ${key} from ${this.location}`, key, { cause: error });
    }
  }

  async put(key: string, body: string | Uint8Array, options: PutOptions = {}): Promise<void> {
    const target = this.pathOf(key);
    await this.writeAtomically(key, target, (temp) =>
      fs.writeFile(temp, body, { flag: "wx", mode: FILE_MODE }),
    );
    await this.writeMetadata(key, options);
  }

  async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    const onProgress = options.onProgress;
    let bytes = 0;
    // Only when someone listens: a stage per chunk is measurable CPU on a backup's gigabytes.
    const counter = onProgress
      ? [
          new Transform({
            transform(chunk: Buffer, _encoding, done) {
              bytes += chunk.length;
              onProgress(bytes);
              done(null, chunk);
            },
          }),
        ]
      : [];
    await this.writeAtomically(key, target, async (temp) => {
      // Opened before the pipeline runs: a write stream opening the file itself could create it
      // after a failing source had already made writeAtomically remove it, leaving a temp file.
      const sink = (await fs.open(temp, "wx", FILE_MODE)).createWriteStream();
      await (pipeline as (...streams: unknown[]) => Promise<void>)(
        body,
        ...counter,
        sink,
        options.signal ? { signal: options.signal } : {},
      );
    });
    return this.publish(key, options);
  }

  async putFromDescriptor(
    key: string,
    write: (fd: number) => Promise<void>,
    options: PutStreamOptions = {},
  ): Promise<ObjectInfo> {
    await this.writeAtomically(key, this.pathOf(key), async (temp) => {
      options.signal?.throwIfAborted();
      const handle = await fs.open(temp, "wx+", FILE_MODE);
      try {
        await write(handle.fd);
      } finally {
        await handle.close();
      }
    });
    return this.publish(key, options);
  }

  /** After a streamed write: its metadata, trailing metadata included, and what now stands at `key`. */
  private async publish(key: string, options: PutStreamOptions): Promise<ObjectInfo> {
    const trailing = options.trailingMetadata?.();
    await this.writeMetadata(
      key,
      trailing ? { ...options, metadata: { ...options.metadata, ...trailing } } : options,
    );
    const info = await this.head(key);
    if (!info) throw new StoreError(`${key} vanished right after it was written`, key);
    return info;
  }

  async getStream(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      const handle = await fs.open(file, "r");
      return handle.createReadStream({ autoClose: true });
    } catch (error) {
      if (isNotFound(error)) throw new StoreNotFoundError(key, this.location);
      throw new StoreError(`cannot open ${key} in ${this.location}`, key, { cause: error });
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    let stat: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stat = await fs.stat(this.pathOf(key));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new StoreError(`cannot stat ${key} in ${this.location}`, key, { cause: error });
    }
    if (!stat.isFile()) return undefined;
    return { key, size: stat.size, lastModified: stat.mtime, metadata: await this.readMetadata(key) };
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertValidPrefix(prefix);
    yield* this.walk(startOf(prefix), prefix, async (dir, key, entry) => {
      if (entry.name.startsWith(".") || !entry.isFile() || !key.startsWith(prefix)) return undefined;
      const stat = await fs.stat(path.join(dir, entry.name)).catch(() => undefined);
      return stat && { key, size: stat.size, lastModified: stat.mtime };
    });
  }

  /** The hidden temp files of writes whose process died before it renamed them into place. */
  async *listUnfinishedWrites(prefix: string): AsyncIterable<UnfinishedWrite> {
    assertValidPrefix(prefix);
    yield* this.walk(startOf(prefix), prefix, async (dir, tempKey, entry) => {
      const target = TEMP_FILE.exec(entry.name)?.[1];
      if (!entry.isFile() || target === undefined) return undefined;
      const key = tempKey.slice(0, tempKey.length - entry.name.length) + target;
      if (!key.startsWith(prefix)) return undefined;
      const stat = await fs.stat(path.join(dir, entry.name)).catch(() => undefined);
      return stat && { key, size: stat.size, lastModified: stat.mtime, ref: entry.name };
    });
  }

  async removeUnfinishedWrite(write: UnfinishedWrite): Promise<void> {
    const target = this.pathOf(write.key);
    if (TEMP_FILE.exec(write.ref)?.[1] !== path.basename(target)) {
      throw new StoreError(`${JSON.stringify(write.ref)} is not a temp file of ${write.key}`, write.key);
    }
    await fs.rm(path.join(path.dirname(target), write.ref), { force: true });
    await this.removeEmptyParents(path.dirname(target));
  }

  /**
   * Walks the directories the prefix can match, in key order, and yields what `pick` makes of each
   * entry. Hidden directories (the metadata tree) are not entered.
   */
  private async *walk<T>(
    dirKey: string,
    prefix: string,
    pick: (dir: string, key: string, entry: Dirent) => Promise<T | undefined>,
  ): AsyncGenerator<T> {
    const dir = dirKey === "" ? this.root : path.join(this.root, ...dirKey.split("/"));
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === "ENOTDIR") return;
      throw new StoreError(`cannot list ${dirKey || "/"} in ${this.location}`, dirKey, { cause: error });
    }
    // Sort as full keys sort (a directory `a` sorts as `a/`), so local and S3 listings agree.
    const sorted = entries
      .map((e) => ({ entry: e, sortKey: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry } of sorted) {
      const key = dirKey === "" ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name.startsWith(".")) continue;
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.walk(key, prefix, pick);
      } else {
        const picked = await pick(dir, key, entry);
        if (picked !== undefined) yield picked;
      }
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await fs.rm(file, { force: true });
    await fs.rm(this.metaPathOf(key), { force: true });
    await this.removeEmptyParents(path.dirname(file));
  }

  /** Writes a hidden temp file beside the target, fsyncs it, then renames it over the target. */
  private async writeAtomically(
    key: string,
    target: string,
    write: (tempPath: string) => Promise<void>,
  ): Promise<void> {
    const dir = path.dirname(target);
    const temp = path.join(dir, `.${path.basename(target)}.tmp-${randomBytes(6).toString("hex")}`);
    // The name must stay what TEMP_FILE matches, or a killed write's leftover is never found.
    try {
      await fs.mkdir(dir, { recursive: true });
      await write(temp);
      const handle = await fs.open(temp, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot write ${key} to ${this.location}: ${(error as Error).message}`, key, {
        cause: error,
      });
    }
  }

  private async writeMetadata(key: string, options: PutOptions): Promise<void> {
    const metadata = normaliseMetadata(options.metadata);
    const metaPath = this.metaPathOf(key);
    if (Object.keys(metadata).length === 0 && options.contentType === undefined) {
      await fs.rm(metaPath, { force: true });
      return;
    }
    const doc = JSON.stringify({ contentType: options.contentType, metadata });
    await this.writeAtomically(key, metaPath, (temp) =>
      fs.writeFile(temp, doc, { flag: "wx", mode: FILE_MODE }),
    );
  }

  private async readMetadata(key: string): Promise<Record<string, string>> {
    try {
      const doc = JSON.parse(await fs.readFile(this.metaPathOf(key), "utf8")) as {
        metadata?: Record<string, string>;
      };
      return doc.metadata ?? {};
    } catch (error) {
      if (isNotFound(error)) return {};
      throw new StoreError(`cannot read metadata of ${key} in ${this.location}`, key, { cause: error });
    }
  }

  private async removeEmptyParents(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.root + path.sep)) {
      try {
        await fs.rmdir(current);
      } catch {
        return; // not empty, or already gone: stop climbing
      }
      current = path.dirname(current);
    }
  }
}
