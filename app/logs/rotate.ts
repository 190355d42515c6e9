import type { Stats } from "node:fs";
import { fstatSync, ftruncateSync, readSync } from "node:fs";
import { chown, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { parseOrThrow } from "../lib/validation";
import { ArchiveWriter, compressFile } from "./archive-writer";
import { RotationError } from "./errors";
import { findWriters } from "./open-writers";
import { pauseProcesses, resumeProcesses } from "./pause-writers";
import {
  type ArchiveName,
  archiveBaseName,
  decideRotation,
  newestFirst,
  parseArchiveName,
  selectExpired,
} from "./rotation-policy";

const positive = z.number().positive();

export const rotateOptionsSchema = z
  .object({
    /** Rotate when the file reaches this many bytes. */
    maxBytes: positive.optional(),
    /** Rotate when this long has passed since the last rotation (or the file's creation). */
    maxAgeMs: positive.optional(),
    /** Rotate now whatever the triggers say (an empty file is still left alone). */
    force: z.boolean().default(false),
    /**
     * rename: move the file aside and create a new one; for writers that reopen (a SIGHUP in
     * `afterRename`) or open per write. copytruncate: copy, then truncate in place; for writers
     * that keep the file open and cannot be told to reopen.
     */
    mode: z.enum(["rename", "copytruncate"]).default("rename"),
    compress: z.boolean().default(true),
    keep: z.number().int().min(0).optional(),
    maxArchiveAgeMs: positive.optional(),
    dryRun: z.boolean().default(false),
    /** Where archives go (default: beside the log); same filesystem for rename mode. */
    archiveDir: z.string().min(1).optional(),
    /** rename: how long to wait for writers to let go of the renamed file before compressing it. */
    writerWaitMs: z.number().int().min(0).default(5000),
    /**
     * copytruncate: processes to pause (SIGSTOP/SIGCONT) for the instant of the last copy and
     * the truncation, which closes copytruncate's window for lost lines completely. "auto" pauses
     * the processes that hold the log open for writing (those /proc lets this process see).
     */
    pauseWriters: z.union([z.literal("auto"), z.array(z.number().int().positive())]).default([]),
  })
  .refine((options) => options.force || options.maxBytes !== undefined || options.maxAgeMs !== undefined, {
    message: "give maxBytes, maxAgeMs or force",
    path: ["maxBytes"],
  });

export type RotateSettingsInput = z.input<typeof rotateOptionsSchema>;

export interface RotateOptions extends RotateSettingsInput {
  /** Runs after a rename rotation: tell the writer to reopen (send SIGHUP, `nginx -s reopen`…). */
  afterRename?: () => void | Promise<void>;
  now?: () => number;
}

export interface RotationResult {
  path: string;
  rotated: boolean;
  /** Why it was (or would be) rotated or not. */
  reason: string;
  dryRun: boolean;
  mode: "rename" | "copytruncate";
  /** The archive written (or that would be written). */
  archive: string | null;
  /** Bytes moved into the archive (before compression). */
  archivedBytes: number;
  /** rename mode: the archive stays uncompressed because a writer still holds it; compressed next run. */
  deferredCompression: boolean;
  /** Earlier uncompressed archives compressed by this run. */
  compressedLeftovers: string[];
  /** Archives removed (or that would be) by retention. */
  deleted: string[];
}

/** copytruncate catch-up rounds before giving up on a writer faster than the copy. */
const MAX_CATCH_UP_ROUNDS = 100;
/** Below this, copytruncate copies the rest synchronously. */
const SYNC_TAIL_BYTES = 4 * 1024 * 1024;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

async function listArchives(dir: string, base: string): Promise<ArchiveName[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  return names
    .map((name) => parseArchiveName(base, name))
    .filter((archive): archive is ArchiveName => archive !== null);
}

/**
 * Rotates one log file when a trigger says so: size or age, a timestamped archive
 * (`app.log.20260307T140322Z.gz`) written atomically, retention by count and age, dry-run.
 *
 * rename mode renames the file, creates an empty one with the same mode and owner, calls
 * `afterRename`, then waits until no process holds the renamed file for writing before it
 * compresses it (otherwise it leaves it uncompressed and compresses it on a later run).
 *
 * copytruncate mode copies the file into the archive while the writer keeps appending, catching
 * up until the archive holds every byte, then checks the size and truncates in two back-to-back
 * system calls. Each piece is on disk before the truncation, so a failed or full-disk archive
 * write leaves the log untouched. The only window for a lost line is a write landing between
 * those two calls (microseconds); `pauseWriters` closes it by stopping the writers for that
 * instant. Writers must open the log with O_APPEND (as loggers do) or they leave a hole of NULs.
 */
export async function rotateLog(file: string, options: RotateOptions = {}): Promise<RotationResult> {
  const { afterRename, now: clock = Date.now, ...input } = options;
  const settings = parseOrThrow(rotateOptionsSchema, input, "log rotation options");
  const now = clock();
  const dir = path.dirname(file);
  const base = path.basename(file);
  const archiveDir = settings.archiveDir ?? dir;
  const result: RotationResult = {
    path: file,
    rotated: false,
    reason: "",
    dryRun: settings.dryRun,
    mode: settings.mode,
    archive: null,
    archivedBytes: 0,
    deferredCompression: false,
    compressedLeftovers: [],
    deleted: [],
  };

  let info: Stats;
  try {
    info = await stat(file);
  } catch (error) {
    if (!isMissing(error)) throw error;
    result.reason = "missing";
    return result;
  }
  if (!info.isFile()) throw new RotationError(`${file} is not a regular file`);

  const archives = await listArchives(archiveDir, base);
  const newest = [...archives].sort(newestFirst)[0];
  const lastRotationMs = newest ? newest.timeMs : info.birthtimeMs > 0 ? info.birthtimeMs : Number.NaN;
  const decision = settings.force
    ? { rotate: info.size > 0, reason: info.size > 0 ? "forced" : "empty" }
    : decideRotation({ size: info.size, lastRotationMs }, settings, now);
  result.reason = decision.reason;

  const name = archiveBaseName(base, now, new Set(archives.map((archive) => archive.name)));
  const planned = path.join(archiveDir, settings.compress ? `${name}.gz` : name);
  const afterRotation = decision.rotate
    ? [
        ...archives,
        { name: path.basename(planned), timeMs: now, sequence: Number.MAX_SAFE_INTEGER, compressed: true },
      ]
    : archives;
  const expired = selectExpired(afterRotation, settings, now).filter(
    (archive) => archive.name !== path.basename(planned),
  );

  if (settings.dryRun) {
    result.archive = decision.rotate ? planned : null;
    result.archivedBytes = decision.rotate ? info.size : 0;
    result.deleted = expired.map((archive) => path.join(archiveDir, archive.name));
    return result;
  }

  const lock = await takeLock(dir, base);
  try {
    if (decision.rotate) {
      if (settings.mode === "rename") {
        await renameRotation(file, path.join(archiveDir, name), settings, info, result, afterRename);
      } else {
        await copyTruncateRotation(file, planned, settings, info.mode & 0o777, result);
      }
      result.rotated = true;
    }
    // Archives an earlier run left uncompressed because a writer still held them.
    if (settings.compress) {
      for (const archive of archives) {
        if (archive.compressed || expired.includes(archive)) continue;
        const leftover = path.join(archiveDir, archive.name);
        const leftoverInfo = await stat(leftover);
        if ((await findWriters(leftoverInfo)).length > 0) continue;
        await compressFile(leftover, `${leftover}.gz`, leftoverInfo.mode & 0o777);
        result.compressedLeftovers.push(leftover);
      }
    }
    for (const archive of expired) {
      const target = path.join(archiveDir, archive.name);
      await rm(target, { force: true });
      result.deleted.push(target);
    }
  } finally {
    await lock.release();
  }
  return result;
}

async function renameRotation(
  file: string,
  plainArchive: string,
  settings: { compress: boolean; writerWaitMs: number },
  info: Stats,
  result: RotationResult,
  afterRename: (() => void | Promise<void>) | undefined,
): Promise<void> {
  try {
    await rename(file, plainArchive);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EXDEV") {
      throw new RotationError(
        `rename rotation needs archiveDir on the same filesystem as ${file}; use mode copytruncate or another directory`,
        { cause: error },
      );
    }
    throw error;
  }
  // A writer that opens per write may already have created the new file: that is fine.
  try {
    const handle = await open(file, "wx", info.mode & 0o777);
    await handle.close();
    if (process.getuid?.() === 0) await chown(file, info.uid, info.gid).catch(() => {});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  await afterRename?.();
  const moved = await stat(plainArchive);
  result.archive = plainArchive;
  const deadline = Date.now() + settings.writerWaitMs;
  let writers = await findWriters(moved);
  while (writers.length > 0 && Date.now() < deadline) {
    await delay(50);
    writers = await findWriters(moved);
  }
  result.archivedBytes = (await stat(plainArchive)).size;
  if (!settings.compress) return;
  if (writers.length > 0) {
    // Compressing now would drop whatever the writer appends before it reopens.
    result.deferredCompression = true;
    return;
  }
  await compressFile(plainArchive, `${plainArchive}.gz`, info.mode & 0o777);
  result.archive = `${plainArchive}.gz`;
}

async function copyTruncateRotation(
  file: string,
  archive: string,
  settings: { compress: boolean; pauseWriters: number[] | "auto" },
  mode: number,
  result: RotationResult,
): Promise<void> {
  const writer = new ArchiveWriter(archive, settings.compress, mode);
  const source = await open(file, "r+");
  let copied = 0;
  let truncated = false;
  try {
    // Bulk copy with streams while the writer keeps appending, until what is left is small.
    for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
      const size = (await source.stat()).size;
      if (size < copied)
        throw new RotationError(`${file} shrank while it was being copied (another rotation?)`);
      if (size - copied <= SYNC_TAIL_BYTES) break;
      await writer.append(source, copied, size);
      copied = size;
    }
    // The tail synchronously: no timer of this process can append between the last copy, the
    // size check and the truncation.
    const pids =
      settings.pauseWriters === "auto"
        ? (await findWriters(await source.stat())).filter((pid) => pid !== process.pid)
        : settings.pauseWriters;
    for (let round = 0; round < MAX_CATCH_UP_ROUNDS && !truncated; round++) {
      const step =
        pids.length > 0
          ? truncatePaused(source.fd, copied, writer, pids)
          : truncateIfCaughtUp(source.fd, copied, writer);
      copied = step.copied;
      truncated = step.truncated;
    }
    if (!truncated) throw new RotationError(`${file} grows faster than it can be copied; not truncated`);
  } catch (error) {
    await source.close();
    if (!truncated) {
      await writer.discard();
      throw error;
    }
    throw new RotationError(
      `${file} was archived to ${writer.temp} but could not be finished: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  await source.close();
  try {
    await writer.commit();
  } catch (error) {
    // The log was already truncated: its old content is in the temp file, which is kept.
    throw new RotationError(`${file} was archived to ${writer.temp} but could not be renamed to ${archive}`, {
      cause: error,
    });
  }
  result.archive = archive;
  result.archivedBytes = copied;
}

/** Reads `[start, end)` of `fd` into memory (the small tail of a copytruncate). */
function readRange(fd: number, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(end - start);
  let done = 0;
  while (done < bytes.length) {
    const n = readSync(fd, bytes, done, bytes.length - done, start + done);
    if (n === 0) break;
    done += n;
  }
  return bytes.subarray(0, done);
}

interface TailStep {
  /** Bytes of the log now in the archive. */
  copied: number;
  truncated: boolean;
}

/**
 * One synchronous round of copytruncate's end. If the writer appended since the last copy, that
 * is copied to the archive (on disk before returning) and the caller tries again; otherwise the
 * size check and the truncation run back to back, with nothing of this process between them.
 */
function truncateIfCaughtUp(fd: number, copied: number, writer: ArchiveWriter): TailStep {
  // A one-byte read at the copied size is the cheapest "did it grow?" (no Stats object to build),
  // which keeps the gap before the truncation to about a microsecond.
  if (readSync(fd, probe, 0, 1, copied) === 0) {
    ftruncateSync(fd, 0);
    return { copied, truncated: true };
  }
  const size = fstatSync(fd).size;
  writer.appendSync(readRange(fd, copied, size));
  return { copied: size, truncated: false };
}

const probe = Buffer.alloc(1);

/** The same with the writers stopped, so the last bytes are copied and truncated while they are. */
function truncatePaused(
  fd: number,
  copied: number,
  writer: ArchiveWriter,
  pids: readonly number[],
): TailStep {
  pauseProcesses(pids);
  try {
    const size = fstatSync(fd).size;
    if (size < copied)
      throw new RotationError("the log shrank while it was being copied (another rotation?)");
    if (size > copied) writer.appendSync(readRange(fd, copied, size));
    ftruncateSync(fd, 0);
    return { copied: size, truncated: true };
  } finally {
    resumeProcesses(pids);
  }
}

/** A lock file beside the log so overlapping runs (cron) never rotate the same file twice. */
async function takeLock(dir: string, base: string): Promise<{ release(): Promise<void> }> {
  const lockPath = path.join(dir, `.${base}.rotate.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, String(process.pid), { flag: "wx" });
      return { release: () => rm(lockPath, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (owner > 0 && isAlive(owner))
        throw new RotationError(`another rotation of ${base} is running (pid ${owner})`);
      // A crashed run left its lock behind.
      await rm(lockPath, { force: true });
    }
  }
  throw new RotationError(`cannot take the rotation lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
