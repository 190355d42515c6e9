import * as fs from "node:fs";
import type { Writable } from "node:stream";
// For headers the common path cannot write (tar-header.ts); tar's index would load all of node-tar.
import { Header, type HeaderData } from "tar/header";
import { Pax } from "tar/pax";
import type { ArchiveSource } from "./archive";
import type { ManifestEntry } from "./manifest";
import { TAR_CHUNK_BYTES, TarChunks } from "./tar-chunks";
import { encodeUstarHeader, type UstarFields, type UstarType } from "./tar-header";
import { type WalkedEntry, type WalkOptions, walkSources } from "./tar-walk";

/**
 * File I/O runs synchronously, as GNU tar's does: from the page cache a thread-pool round trip per
 * lstat, open, read and close costs more CPU (futex hand-offs) than the call itself, and on two cores
 * that CPU is what the compressor lacks. The event loop still turns between chunks (the writer waits
 * for the sink every TAR_CHUNKS × 256 KiB), so timers and requests in the same process wait at most
 * that many reads, also on a cold disk.
 */
function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // a read-only descriptor: nothing was left to flush
  }
}

const BLOCK = 512;

export interface ArchiveWriteOptions extends WalkOptions {
  /** Called for every entry as its header is written. */
  onEntry(entry: ManifestEntry): void;
  /** Tar bytes accepted by the sink so far. */
  onBytes?(total: number): void;
}

interface Planned {
  entry: WalkedEntry;
  /** Set for a second path of a hardlinked file: the archive path it was first stored under. */
  hardlinkTo?: string;
}

/** As node-tar stores modes: permission bits only, and a readable folder is also listable. */
function headerMode(mode: number, isDirectory: boolean): number {
  let m = mode & 0o7777;
  if (isDirectory) {
    if (m & 0o400) m |= 0o100;
    if (m & 0o40) m |= 0o10;
    if (m & 0o4) m |= 0o1;
  }
  return m;
}

const MY_UID = process.getuid?.() ?? 0;
const MY_USER = process.env.USER ?? "";

const TYPE_NAMES: Record<UstarType, HeaderData["type"]> = {
  "0": "File",
  "1": "Link",
  "2": "SymbolicLink",
  "5": "Directory",
};

/** The ustar fields node-tar's Pack would write for this entry (restores and GNU tar read either). */
function ustarFields(p: Planned): UstarFields {
  const { entry } = p;
  const { stat } = entry;
  const type = p.hardlinkTo ? "1" : entry.kind === "file" ? "0" : entry.kind === "directory" ? "5" : "2";
  return {
    path: entry.kind === "directory" ? `${entry.archivePath}/` : entry.archivePath,
    linkpath: p.hardlinkTo ?? entry.linkpath,
    mode: headerMode(stat.mode, entry.kind === "directory"),
    uid: stat.uid,
    gid: stat.gid,
    size: type === "0" ? stat.size : 0,
    mtime: stat.mtimeMs / 1000,
    atime: stat.atimeMs / 1000,
    ctime: stat.ctimeMs / 1000,
    type,
    uname: stat.uid === MY_UID ? MY_USER : "",
  };
}

function manifestEntry(p: Planned): ManifestEntry {
  const { entry } = p;
  if (p.hardlinkTo) return { path: entry.archivePath, type: "hardlink", size: 0, linkpath: p.hardlinkTo };
  if (entry.kind === "file") return { path: entry.archivePath, type: "file", size: entry.stat.size };
  if (entry.kind === "symlink") {
    return { path: entry.archivePath, type: "symlink", size: 0, linkpath: entry.linkpath ?? "" };
  }
  return { path: entry.archivePath, type: "directory", size: 0 };
}

/** Writes the entry's header; a promise only when it has to wait for a chunk (see TarChunks.hasRoom). */
function writeHeader(chunks: TarChunks, p: Planned): Promise<void> | undefined {
  const fields = ustarFields(p);
  if (!chunks.hasRoom(BLOCK)) return chunks.room(BLOCK).then(() => writeHeaderHere(chunks, p, fields));
  return writeHeaderHere(chunks, p, fields);
}

/** With a block free in the current chunk: an ordinary header in place, else node-tar's. */
function writeHeaderHere(chunks: TarChunks, p: Planned, fields: UstarFields): Promise<void> | undefined {
  const { current, offset } = chunks;
  // The chunk is reused: fields the header leaves out must read as zeros.
  current.fill(0, offset, offset + BLOCK);
  if (encodeUstarHeader(current, offset, fields)) {
    chunks.advance(BLOCK);
    return undefined;
  }
  return writeNodeTarHeader(chunks, p, fields);
}

/** Long or non-ASCII path, large size…: node-tar writes the header, a PAX extended header first. */
async function writeNodeTarHeader(chunks: TarChunks, p: Planned, fields: UstarFields): Promise<void> {
  const data: HeaderData = {
    ...fields,
    type: TYPE_NAMES[fields.type],
    mtime: p.entry.stat.mtime,
    atime: p.entry.stat.atime,
    ctime: p.entry.stat.ctime,
  };
  const header = new Header(data);
  if (header.encode(chunks.current, chunks.offset)) {
    const { stat } = p.entry;
    const pax = new Pax({
      atime: data.atime,
      ctime: data.ctime,
      gid: data.gid,
      mtime: data.mtime,
      path: data.path,
      linkpath: data.linkpath,
      size: data.size,
      uid: data.uid,
      uname: data.uname,
      dev: stat.dev,
      ino: stat.ino,
      nlink: stat.nlink,
    }).encode();
    if (pax.length + BLOCK > TAR_CHUNK_BYTES) {
      throw new Error(
        `${p.entry.absolute}: the path is too long to archive (${pax.length} bytes of PAX header)`,
      );
    }
    await chunks.room(pax.length + BLOCK);
    pax.copy(chunks.current, chunks.offset);
    chunks.advance(pax.length);
    const { current, offset } = chunks;
    current.fill(0, offset, offset + BLOCK);
    header.encode(current, offset);
  }
  chunks.advance(BLOCK);
}

/** Fills `length` bytes of `chunk` from the file at `position`; a file that shrank fails by name. */
function readFully(
  fd: number,
  chunk: Buffer,
  offset: number,
  length: number,
  position: number,
  file: string,
): void {
  let done = 0;
  while (done < length) {
    const bytesRead = fs.readSync(fd, chunk, offset + done, length - done, position + done);
    if (bytesRead === 0) {
      throw new Error(`${file}: the file shrank while it was being archived`);
    }
    done += bytesRead;
  }
}

/**
 * Copies the file's bytes into chunks, then pads it to the tar block size. Closes `fd`. A promise
 * only when the file does not fit the current chunk.
 */
function writeBody(chunks: TarChunks, p: Planned, fd: number): Promise<void> | undefined {
  const size = p.entry.stat.size;
  const padding = (BLOCK - (size % BLOCK)) % BLOCK;
  if (!chunks.hasRoom(size + padding)) return writeBodyAcrossChunks(chunks, p, fd, padding);
  try {
    readFully(fd, chunks.current, chunks.offset, size, 0, p.entry.absolute);
  } finally {
    closeQuietly(fd);
  }
  chunks.advance(size);
  return chunks.zeros(padding);
}

async function writeBodyAcrossChunks(
  chunks: TarChunks,
  p: Planned,
  fd: number,
  padding: number,
): Promise<void> {
  const size = p.entry.stat.size;
  try {
    let position = 0;
    while (position < size) {
      await chunks.room(1);
      const n = Math.min(size - position, TAR_CHUNK_BYTES - chunks.offset);
      readFully(fd, chunks.current, chunks.offset, n, position, p.entry.absolute);
      chunks.advance(n);
      position += n;
    }
  } finally {
    closeQuietly(fd);
  }
  await chunks.zeros(padding);
}

/**
 * Writes the sources as one tar archive into `sink` and ends it; resolves with the tar byte count.
 * Unreadable files fail the archive with their path: a backup that silently skips data is worse
 * than one that fails loudly (exclude such files explicitly). Memory is the chunk pool and one open
 * file, whatever the number or size of the files.
 */
export async function writeArchive(
  sources: readonly ArchiveSource[],
  sink: Writable,
  options: ArchiveWriteOptions,
): Promise<number> {
  const chunks = new TarChunks(sink, options.onBytes);
  const firstPathOf = new Map<string, string>();

  const plan = (entry: WalkedEntry): Planned => {
    const { stat } = entry;
    if (entry.kind === "file" && stat.nlink > 1) {
      const key = `${stat.dev}:${stat.ino}`;
      const first = firstPathOf.get(key);
      if (first !== undefined) return { entry, hardlinkTo: first };
      firstPathOf.set(key, entry.archivePath);
    }
    return { entry };
  };

  for (const entry of walkSources(sources, options)) {
    options.signal?.throwIfAborted();
    const p = plan(entry);
    if (p.hardlinkTo || entry.kind !== "file" || entry.stat.size === 0) {
      options.onEntry(manifestEntry(p));
      const writing = writeHeader(chunks, p);
      if (writing) await writing;
      continue;
    }
    // Open before the header, so a file that cannot be read leaves no header behind.
    const fd = fs.openSync(entry.absolute, "r");
    options.onEntry(manifestEntry(p));
    try {
      const writing = writeHeader(chunks, p);
      if (writing) await writing;
    } catch (error) {
      closeQuietly(fd);
      throw error;
    }
    const copying = writeBody(chunks, p, fd);
    if (copying) await copying;
  }
  // End of archive: two zero blocks.
  await chunks.zeros(2 * BLOCK);
  const bytes = await chunks.finish();
  sink.end();
  return bytes;
}
