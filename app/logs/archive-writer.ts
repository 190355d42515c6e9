import { randomBytes } from "node:crypto";
import { appendFileSync, closeSync, createWriteStream, fsyncSync, openSync } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync } from "node:zlib";

/**
 * Writes an archive through a hidden temp file in its final directory, renamed into place only
 * once complete and flushed to disk, so a crash or a full disk never leaves something that looks
 * like a finished archive. Content is appended in pieces (each a complete gzip member when
 * compressing — gunzip reads concatenated members as one stream), and each piece is on disk when
 * `append` resolves, which is what lets copytruncate truncate the source only afterwards.
 */
export class ArchiveWriter {
  readonly temp: string;
  private created = false;

  constructor(
    readonly target: string,
    readonly compress: boolean,
    private readonly mode = 0o640,
  ) {
    this.temp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.tmp-${randomBytes(4).toString("hex")}`,
    );
  }

  private async ensureCreated(): Promise<void> {
    if (this.created) return;
    const handle = await open(this.temp, "wx", this.mode);
    await handle.close();
    this.created = true;
  }

  /** Appends bytes `[start, end)` of `source`, then flushes the archive to disk. */
  async append(source: FileHandle, start: number, end: number): Promise<void> {
    await this.ensureCreated();
    if (end > start) {
      const input = source.createReadStream({
        start,
        end: end - 1,
        autoClose: false,
        highWaterMark: 1024 * 1024,
      });
      const output = createWriteStream(this.temp, { flags: "a" });
      if (this.compress) await pipeline(input, createGzip(), output);
      else await pipeline(input, output);
    }
    await this.sync();
  }

  /** The same as `append` for a small range already in memory, synchronously (while writers are paused). */
  appendSync(bytes: Buffer): void {
    if (!this.created) {
      closeSync(openSync(this.temp, "wx", this.mode));
      this.created = true;
    }
    if (bytes.length > 0) appendFileSync(this.temp, this.compress ? gzipSync(bytes) : bytes);
    const fd = openSync(this.temp, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private async sync(): Promise<void> {
    const handle = await open(this.temp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Moves the finished archive into place. */
  async commit(): Promise<void> {
    await this.ensureCreated();
    await rename(this.temp, this.target);
  }

  /** Removes the temp file (after a failure). */
  async discard(): Promise<void> {
    await rm(this.temp, { force: true });
  }
}

/**
 * Compresses `source` into `target` (`…gz`) through a temp file and removes `source` only once
 * the archive is complete on disk. On failure `source` is untouched and no archive appears.
 */
export async function compressFile(source: string, target: string, mode?: number): Promise<void> {
  const writer = new ArchiveWriter(target, true, mode);
  try {
    const input = await open(source, "r");
    try {
      const { size } = await input.stat();
      await writer.append(input, 0, size);
      // A writer that still appended after the size was read would lose lines when source is deleted.
      const after = (await input.stat()).size;
      if (after !== size) throw new Error(`${source} grew while it was being compressed`);
    } finally {
      await input.close();
    }
    await writer.commit();
  } catch (error) {
    await writer.discard();
    throw error;
  }
  await rm(source);
}
