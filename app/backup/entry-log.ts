import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import type { BackupManifest, ManifestEntry } from "./manifest";

const PAGE_BYTES = 64 * 1024;

type Totals = Omit<BackupManifest["totals"], "tarBytes">;

/**
 * The manifest's entry list while a backup runs, spooled to a temp file as JSON text: memory is
 * one 64 KiB page whatever the number of files (in memory it was ~100 bytes a file, and one more
 * copy when the manifest was assembled). The file is unlinked as soon as it is open, so nothing is
 * left of it when the process ends, however it ends. The totals are counted as entries arrive.
 */
export class ManifestEntryLog {
  private readonly fd: number;
  private readonly page = Buffer.allocUnsafe(PAGE_BYTES);
  private used = 0;
  private spooled = 0;
  private count = 0;
  readonly totals: Totals = { files: 0, directories: 0, symlinks: 0, hardlinks: 0, bytes: 0 };

  constructor(private readonly dir: string = tmpdir()) {
    const file = path.join(dir, `.opsdeck-entries-${randomBytes(6).toString("hex")}`);
    try {
      this.fd = fs.openSync(file, "wx+", 0o600);
      fs.unlinkSync(file);
    } catch (error) {
      throw this.failure(error);
    }
  }

  add(entry: ManifestEntry): void {
    this.count++;
    if (entry.type === "file") {
      this.totals.files++;
      this.totals.bytes += entry.size;
    } else if (entry.type === "directory") this.totals.directories++;
    else if (entry.type === "symlink") this.totals.symlinks++;
    else this.totals.hardlinks++;
    this.append(`${this.count === 1 ? "" : ","}${JSON.stringify(entry)}`);
  }

  get entries(): number {
    return this.count;
  }

  /**
   * The manifest as serialiseManifest(manifest) would write it with these entries: the same bytes,
   * streamed from the spool file. `manifest.entries` must be empty and its last field.
   */
  serialise(manifest: BackupManifest): Readable {
    const [head, tail] = this.frame(manifest);
    const { fd, spooled } = this;
    return Readable.from(
      (function* () {
        yield head;
        for (let position = 0; position < spooled; ) {
          // A fresh buffer per read: the consumer may hold a chunk after the next one is read.
          const piece = Buffer.allocUnsafe(Math.min(PAGE_BYTES, spooled - position));
          position += readFully(fd, piece, position);
          yield piece;
        }
        yield tail;
      })(),
    );
  }

  /**
   * Writes what serialise() streams into `out` (a local store's file) through the log's own page:
   * no buffer per read, which for a million files would be ~100 MiB of garbage until V8 collected it.
   */
  writeTo(out: number, manifest: BackupManifest): void {
    const [head, tail] = this.frame(manifest);
    let written = writeFully(out, head, 0);
    for (let position = 0; position < this.spooled; ) {
      const piece = this.page.subarray(0, Math.min(PAGE_BYTES, this.spooled - position));
      position += readFully(this.fd, piece, position);
      written += writeFully(out, piece, written);
    }
    writeFully(out, tail, written);
  }

  /** What goes before and after the entries; spools the last page so the file holds them all. */
  private frame(manifest: BackupManifest): [Buffer, Buffer] {
    const text = `${JSON.stringify(manifest)}\n`;
    const tail = '"entries":[]}\n';
    if (manifest.entries.length > 0 || !text.endsWith(tail)) {
      throw new Error("the manifest must end with an empty entries list to splice the entries into");
    }
    this.spool();
    return [Buffer.from(text.slice(0, text.length - 3)), Buffer.from("]}\n")];
  }

  /** Releases the spool file; the log cannot be used afterwards. */
  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private append(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (PAGE_BYTES - this.used < bytes) this.spool();
    if (bytes > PAGE_BYTES) {
      this.write(Buffer.from(text));
      return;
    }
    this.used += this.page.write(text, this.used);
  }

  private spool(): void {
    if (this.used === 0) return;
    this.write(this.page.subarray(0, this.used));
    this.used = 0;
  }

  private write(bytes: Buffer): void {
    try {
      this.spooled += writeFully(this.fd, bytes, this.spooled);
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): Error {
    return new Error(`cannot keep the manifest's entry list in ${this.dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Fills `into` from `fd` at `position`; returns its length. */
function readFully(fd: number, into: Buffer, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = fs.readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error("the manifest's entry list ended early");
    done += n;
  }
  return done;
}

/** Writes all of `bytes` to `fd` at `position`; returns their length. */
function writeFully(fd: number, bytes: Buffer, position: number): number {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
  return done;
}
