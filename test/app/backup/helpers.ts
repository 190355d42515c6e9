import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { type Readable, Transform } from "node:stream";
import { promisify } from "node:util";
import { LocalStore, type ObjectInfo, type PutStreamOptions, type Store } from "../../../app/storage";

const run = promisify(execFile);

/** Writes `files` (archive-style relative paths → content) under `root`. */
export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
}

/** Every file under `root` as relative path → content, for comparing trees. */
export async function readTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isSymbolicLink()) out[child] = `-> ${await fs.readlink(path.join(root, child))}`;
      else out[child] = (await fs.readFile(path.join(root, child))).toString("base64");
    }
  };
  await walk("");
  return out;
}

/** Incompressible bytes, so archives are as large as their input and cross multipart boundaries. */
export function noise(bytes: number): Buffer {
  return randomBytes(bytes);
}

/**
 * A real store whose incoming streams fail with `error` after `afterBytes` bytes: a write error
 * injected at the stream boundary (a disk filling up, a connection dropping).
 */
export class FailingWriteStore implements Store {
  readonly location: string;
  constructor(
    private readonly inner: Store,
    private readonly afterBytes: number,
    private readonly error: () => Error,
  ) {
    this.location = inner.location;
  }
  get(key: string) {
    return this.inner.get(key);
  }
  put(key: string, body: string | Uint8Array, options?: PutStreamOptions) {
    return this.inner.put(key, body, options);
  }
  putStream(key: string, body: Readable, options?: PutStreamOptions): Promise<ObjectInfo> {
    let seen = 0;
    const limit = this.afterBytes;
    const makeError = this.error;
    const breaker = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        if (seen > limit) done(makeError());
        else done(null, chunk);
      },
    });
    body.on("error", (error) => breaker.destroy(error));
    return this.inner.putStream(key, body.pipe(breaker), options);
  }
  getStream(key: string) {
    return this.inner.getStream(key);
  }
  head(key: string) {
    return this.inner.head(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
}

export function enospc(): Error {
  return Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
}

/**
 * A store on a disk with `bytes` of space: a real tmpfs when this process may mount one (root in a
 * container or VM), otherwise a real directory whose writes fail with ENOSPC past `bytes`.
 */
export async function tinyDiskStore(
  dir: string,
  bytes: number,
): Promise<{ store: Store; release(): Promise<void> }> {
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]);
    return {
      store: new LocalStore(dir),
      release: async () => {
        await run("umount", [dir]);
      },
    };
  } catch {
    return {
      store: new FailingWriteStore(new LocalStore(dir), bytes, enospc),
      release: async () => undefined,
    };
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
