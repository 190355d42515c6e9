import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
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
} from "./store";

/** Metadata lives beside the data in a hidden tree, so it never shows up in `list`. */
const META_DIR = ".meta";
/** State can hold host details: readable by the owner and its group only. */
const FILE_MODE = 0o640;

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
      const sink = createWriteStream(temp, { flags: "wx", mode: FILE_MODE });
      await (pipeline as (...streams: unknown[]) => Promise<void>)(
        body,
        ...counter,
        sink,
        options.signal ? { signal: options.signal } : {},
      );
    });
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
    // Start the walk at the deepest directory the prefix names, then filter by the rest.
    const slash = prefix.lastIndexOf("/");
    const dirKey = slash === -1 ? "" : prefix.slice(0, slash);
    yield* this.walk(dirKey, prefix);
  }

  private async *walk(dirKey: string, prefix: string): AsyncGenerator<StoredObject> {
    const dir = dirKey === "" ? this.root : path.join(this.root, ...dirKey.split("/"));
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === "ENOTDIR") return;
      throw new StoreError(`cannot list ${dirKey || "/"} in ${this.location}`, dirKey, { cause: error });
    }
    // Sort as full keys sort (a directory `a` sorts as `a/`), so local and S3 listings agree.
    const sorted = entries
      .filter((e) => !e.name.startsWith("."))
      .map((e) => ({ entry: e, sortKey: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry } of sorted) {
      const key = dirKey === "" ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.walk(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const stat = await fs.stat(path.join(dir, entry.name)).catch(() => undefined);
        if (stat) yield { key, size: stat.size, lastModified: stat.mtime };
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
