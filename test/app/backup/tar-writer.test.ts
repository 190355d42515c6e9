import { execFile } from "node:child_process";
import { readdirSync, truncateSync } from "node:fs";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { list } from "tar";
import { afterEach, describe, expect, it } from "vitest";
import { resolveSources } from "../../../app/backup/archive";
import type { ManifestEntry } from "../../../app/backup/manifest";
import { createPathFilter } from "../../../app/backup/selection";
import { TAR_CHUNK_BYTES, TAR_CHUNKS } from "../../../app/backup/tar-chunks";
import { writeArchive } from "../../../app/backup/tar-writer";
import { noise, readTree, writeTree } from "./helpers";

const run = promisify(execFile);
const made: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), "opsdeck-tar-writer-"));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of made.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

/** A sink that copies what it is given (the writer reuses its chunks) and notes the chunks' memory. */
class CopyingSink extends Writable {
  readonly parts: Buffer[] = [];
  readonly memory = new Set<ArrayBufferLike>();
  largest = 0;
  constructor(private readonly onChunk?: (index: number) => void) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.parts.push(Buffer.from(chunk));
    this.memory.add(chunk.buffer);
    this.largest = Math.max(this.largest, chunk.length);
    this.onChunk?.(this.parts.length);
    done();
  }
}

async function archive(root: string, sink: CopyingSink, exclude: string[] = []) {
  const entries: ManifestEntry[] = [];
  const bytes = await writeArchive(await resolveSources([root], "/"), sink, {
    filter: createPathFilter({ exclude }),
    onEntry: (entry) => entries.push(entry),
    onSkip: () => undefined,
  });
  const file = path.join(await tempDir(), "out.tar");
  await fs.writeFile(file, Buffer.concat(sink.parts));
  return { bytes, entries, file };
}

describe("writeArchive", () => {
  it("writes a tar GNU tar extracts exactly: long and non-ASCII names, links, empty and large files", async () => {
    const root = await tempDir();
    const deep = `${"a-rather-long-folder-name/".repeat(6)}file-with-a-long-name.txt`;
    await writeTree(root, {
      [deep]: "deep\n",
      "café/naïve.txt": "unicode\n",
      "empty.txt": "",
      "exact.bin": noise(4 * 512),
      "big.bin": noise(TAR_CHUNK_BYTES * 3 + 123),
      ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`small/f${i}.conf`, `value ${i}\n`])),
    });
    await fs.symlink("café/naïve.txt", path.join(root, "link"));
    await fs.link(path.join(root, "exact.bin"), path.join(root, "exact-again.bin"));
    await fs.mkdir(path.join(root, "empty-dir"));
    await fs.chmod(path.join(root, "empty.txt"), 0o750);

    const { bytes, entries, file } = await archive(root, new CopyingSink());
    const out = await tempDir();
    await run("tar", ["-xf", file, "-C", out]);

    const base = path.relative("/", root);
    const extracted = path.join(out, base);
    expect(await readTree(extracted)).toEqual(await readTree(root));
    expect(bytes).toBe((await fs.stat(file)).size);
    expect((await fs.stat(path.join(extracted, "empty.txt"))).mode & 0o777).toBe(0o750);
    expect((await fs.stat(path.join(extracted, "empty-dir"))).isDirectory()).toBe(true);
    const linked = await fs.stat(path.join(extracted, "exact-again.bin"));
    expect(linked.nlink).toBe(2);
    const kinds = Object.fromEntries(entries.map((e) => [e.path.slice(base.length + 1), e]));
    const hardlinks = entries.filter((e) => e.type === "hardlink");
    expect(hardlinks).toHaveLength(1);
    expect(hardlinks[0]?.linkpath).toMatch(/\/exact(-again)?\.bin$/);
    expect(kinds.link).toMatchObject({ type: "symlink", linkpath: "café/naïve.txt" });
    expect(kinds["big.bin"]).toMatchObject({ type: "file", size: TAR_CHUNK_BYTES * 3 + 123 });
    const listed = (await run("tar", ["-tf", file])).stdout.trim().split("\n");
    expect(entries.map((e) => e.path)).toEqual(listed.map((p) => p.replace(/\/$/, "")));
    // node-tar, which verify and restore read with, decodes the same names from the PAX headers.
    const read: string[] = [];
    await list({ file, onReadEntry: (entry) => read.push(entry.path) });
    expect(read).toEqual(listed);
  });

  it("leaves out excluded folders without walking them", async () => {
    const root = await tempDir();
    await writeTree(root, { "keep/a.txt": "a", "cache/b.txt": "b" });

    const { entries } = await archive(root, new CopyingSink(), ["**/cache"]);

    const names = entries.map((e) => path.basename(e.path));
    expect(names).toContain("a.txt");
    expect(names).not.toContain("cache");
    expect(names).not.toContain("b.txt");
  });

  it("writes from a fixed pool of chunks, whatever the size of the tree", async () => {
    const root = await tempDir();
    await writeTree(root, {
      "one.bin": noise(3 * 1024 * 1024),
      ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`s/${i}.txt`, noise(3000)])),
    });
    const sink = new CopyingSink();

    await archive(root, sink);

    expect(sink.parts.length).toBeGreaterThan(TAR_CHUNKS * 3);
    expect(sink.memory.size).toBeLessThanOrEqual(TAR_CHUNKS);
    expect(sink.largest).toBeLessThanOrEqual(TAR_CHUNK_BYTES);
  });

  it("closes each file once its bytes are in a chunk: 2000 tiny files never hold more than one descriptor", async () => {
    const root = await tempDir();
    await writeTree(root, Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`t/${i}`, "x"])));
    const openNow = () => readdirSync("/proc/self/fd").length;
    const before = openNow();
    let most = before;
    const sink = new CopyingSink(() => {
      most = Math.max(most, openNow());
    });
    const sampling = setInterval(() => {
      most = Math.max(most, openNow());
    }, 1);

    try {
      await archive(root, sink);
    } finally {
      clearInterval(sampling);
    }

    expect(most - before).toBeLessThanOrEqual(1);
    expect(openNow()).toBeLessThanOrEqual(before + 1);
  });

  it("fails naming the file when it shrinks while being archived", async () => {
    const root = await tempDir();
    const big = path.join(root, "big.bin");
    await writeTree(root, { "big.bin": noise(TAR_CHUNK_BYTES * 8) });
    // Truncate once the first chunk is out: the reads for later chunks start after that.
    const sink = new CopyingSink((index) => {
      if (index === 1) truncateSync(big, 1000);
    });

    await expect(archive(root, sink)).rejects.toThrow(`${big}: the file shrank while it was being archived`);
  });
});
