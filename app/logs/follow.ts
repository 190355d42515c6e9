import { createReadStream } from "node:fs";
import { type FileHandle, open, readdir, stat } from "node:fs/promises";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { createGunzip } from "node:zlib";
import { LineSplitter, type TextLine } from "./line-splitter";

export interface RotationEvent {
  kind: "rename" | "truncate";
  path: string;
  /** For a truncation: the rotated copy the unread lines were taken from, or null if none was found. */
  recoveredFrom: string | null;
}

export interface FollowOptions {
  /** Stops following; the generator then returns. */
  signal?: AbortSignal;
  /** Emit the lines already in the file first; by default following starts at its end. */
  fromStart?: boolean;
  /** How often the file is checked for new lines and rotation. */
  pollIntervalMs?: number;
  /**
   * How long a renamed-away file is still read (a writer may append until it reopens), and how
   * long a truncated file waits for its rotated copy to appear so unread lines can be recovered.
   */
  rotationGraceMs?: number;
  maxLineBytes?: number;
  onRotation?: (event: RotationEvent) => void;
  /** Called after each check of the file, once its lines so far have been yielded (health, tests). */
  onPoll?: () => void;
}

/** Bytes at the start of a file that identify its content, to notice a truncate-and-regrow. */
const HEAD_BYTES = 64;
const READ_BYTES = 64 * 1024;

interface Tracked {
  handle: FileHandle;
  ino: number;
  dev: number;
  /** Bytes consumed (emitted as lines or held in the splitter). */
  pos: number;
  splitter: LineSplitter;
  head: Buffer;
}

interface Retired {
  tracked: Tracked;
  until: number;
}

interface PendingTruncation {
  pos: number;
  head: Buffer;
  splitter: LineSplitter;
  until: number;
  since: number;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

async function readHead(handle: FileHandle, length = HEAD_BYTES): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, 0);
  return buffer.subarray(0, bytesRead);
}

/**
 * Follows a log file like `tail -F`, yielding each new line, and survives both kinds of rotation
 * without losing or repeating a line:
 * - rename (`mv app.log app.log.1`, then a new app.log): the old file is read to its end and for
 *   `rotationGraceMs` more (a writer may append until it reopens), then the new file from its start;
 * - copytruncate (the file is copied, then truncated in place): noticed by the size dropping below
 *   what was read or by the first bytes changing; the lines written after the last read and before
 *   the truncation are read from the rotated copy (`app.log.1`, `app.log-2026…`, `.gz` or not:
 *   the newest sibling whose first bytes match), waiting up to `rotationGraceMs` for it to appear.
 * Polls every `pollIntervalMs`; stops cleanly when `signal` aborts.
 */
export async function* followLog(file: string, options: FollowOptions = {}): AsyncGenerator<TextLine> {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const graceMs = options.rotationGraceMs ?? 2000;
  const maxLineBytes = options.maxLineBytes ?? 65_536;
  const signal = options.signal;
  let current: Tracked | null = null;
  const retired: Retired[] = [];
  let pending: PendingTruncation | null = null;
  let first = true;
  /** Files opened at their end in the middle of a line: their first "line" is a fragment. */
  const skipPartial = new Set<Tracked>();

  const openTracked = async (fromEnd: boolean): Promise<Tracked | null> => {
    let handle: FileHandle;
    try {
      handle = await open(file, "r");
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    const info = await handle.stat();
    const tracked: Tracked = {
      handle,
      ino: info.ino,
      dev: info.dev,
      pos: 0,
      splitter: new LineSplitter(maxLineBytes),
      head: await readHead(handle),
    };
    if (fromEnd && info.size > 0) {
      tracked.pos = info.size;
      // Starting mid-line would emit the tail of a line as if it were whole: skip to its end.
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, info.size - 1);
      if (last[0] !== 10) skipPartial.add(tracked);
    }
    return tracked;
  };

  const drain = async (tracked: Tracked, out: TextLine[]) => {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      const { bytesRead } = await tracked.handle.read(buffer, 0, READ_BYTES, tracked.pos);
      if (bytesRead === 0) break;
      tracked.pos += bytesRead;
      const lines: TextLine[] = [];
      tracked.splitter.push(buffer.subarray(0, bytesRead), lines);
      if (skipPartial.has(tracked) && lines.length > 0) {
        skipPartial.delete(tracked);
        lines.shift();
      }
      for (const line of lines) out.push(line);
      if (tracked.head.length < HEAD_BYTES) tracked.head = await readHead(tracked.handle);
    }
  };

  const close = async (tracked: Tracked) => {
    skipPartial.delete(tracked);
    await tracked.handle.close().catch(() => {});
  };

  /** Reads the unread tail of a truncated file's content from its rotated copy, if one is found. */
  const recover = async (truncation: PendingTruncation, out: TextLine[]): Promise<string | null> => {
    const copy = await findRotatedCopy(file, truncation.head, truncation.pos, truncation.since);
    if (!copy) return null;
    const lines: TextLine[] = [];
    await readFrom(copy, truncation.pos, (chunk) => truncation.splitter.push(chunk, lines));
    truncation.splitter.flush(lines);
    for (const line of lines) out.push(line);
    return copy;
  };

  try {
    for (;;) {
      if (signal?.aborted) return;
      const out: TextLine[] = [];
      const now = Date.now();

      for (const entry of [...retired]) {
        await drain(entry.tracked, out);
        if (now >= entry.until) {
          entry.tracked.splitter.flush(out);
          await close(entry.tracked);
          retired.splice(retired.indexOf(entry), 1);
        }
      }

      if (pending) {
        const source = await recover(pending, out);
        if (source || now >= pending.until) {
          // No copy found in time: what was held of the last line is all there is.
          if (!source) pending.splitter.flush(out);
          options.onRotation?.({ kind: "truncate", path: file, recoveredFrom: source });
          pending = null;
        }
      }

      if (!pending) {
        if (!current) {
          current = await openTracked(first && !options.fromStart);
          first = false;
        }
        if (current) {
          let info: Awaited<ReturnType<typeof stat>> | null = null;
          try {
            info = await stat(file);
          } catch (error) {
            if (!isMissing(error)) throw error;
          }
          if (info && (info.ino !== current.ino || info.dev !== current.dev)) {
            // Renamed away and replaced: finish the old file over the grace period, start the new one.
            await drain(current, out);
            retired.push({ tracked: current, until: now + graceMs });
            options.onRotation?.({ kind: "rename", path: file, recoveredFrom: null });
            current = await openTracked(false);
            if (current) await drain(current, out);
          } else {
            const size = (await current.handle.stat()).size;
            const headNow =
              current.head.length > 0 ? await readHead(current.handle, current.head.length) : current.head;
            if (size < current.pos || !headNow.equals(current.head)) {
              // Truncated in place (copytruncate): recover what was not read yet, then start over.
              pending = {
                pos: current.pos,
                head: current.head,
                splitter: current.splitter,
                until: now + graceMs,
                since: now,
              };
              current.pos = 0;
              current.splitter = new LineSplitter(maxLineBytes);
              skipPartial.delete(current);
              const source = await recover(pending, out);
              if (source) {
                options.onRotation?.({ kind: "truncate", path: file, recoveredFrom: source });
                pending = null;
              }
              current.head = await readHead(current.handle);
              if (!pending) await drain(current, out);
            } else {
              await drain(current, out);
            }
          }
        }
      }

      for (const line of out) {
        if (signal?.aborted) return;
        yield line;
      }
      options.onPoll?.();
      try {
        await delay(pollIntervalMs, undefined, signal ? { signal } : {});
      } catch {
        return;
      }
    }
  } finally {
    if (current) await close(current);
    for (const entry of retired) await close(entry.tracked);
  }
}

/** Reads `source` (gunzipping a .gz) from decompressed offset `from` to its end. */
async function readFrom(source: string, from: number, onChunk: (chunk: Buffer) => void): Promise<void> {
  const stream = source.endsWith(".gz")
    ? createReadStream(source).pipe(createGunzip())
    : createReadStream(source, { start: from });
  let skip = source.endsWith(".gz") ? from : 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    onChunk(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
}

async function headOf(candidate: string, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    await readFrom(candidate, 0, (chunk) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) throw new HeadRead();
    });
  } catch (error) {
    if (!(error instanceof HeadRead)) return Buffer.alloc(0);
  }
  return Buffer.concat(chunks).subarray(0, length);
}

class HeadRead extends Error {}

/**
 * The rotated copy of `file`'s content before a truncation: among siblings named `file.*` or
 * `file-*` changed since shortly before the truncation was seen, the newest whose first bytes
 * equal the old content's. Temp files (leading dot) are ignored.
 */
async function findRotatedCopy(
  file: string,
  head: Buffer,
  minSize: number,
  since: number,
): Promise<string | null> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  const candidates: { name: string; mtimeMs: number; size: number }[] = [];
  for (const name of names) {
    if (name === base || !(name.startsWith(`${base}.`) || name.startsWith(`${base}-`))) continue;
    try {
      const info = await stat(path.join(dir, name));
      if (info.isFile() && info.mtimeMs >= since - 60_000)
        candidates.push({ name, mtimeMs: info.mtimeMs, size: info.size });
    } catch {
      // Removed meanwhile.
    }
  }
  candidates.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const candidate of candidates.slice(0, 5)) {
    const full = path.join(dir, candidate.name);
    if (!candidate.name.endsWith(".gz") && candidate.size < minSize) continue;
    const candidateHead = await headOf(full, head.length);
    if (candidateHead.equals(head)) return full;
  }
  return null;
}
