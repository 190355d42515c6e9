import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { type LogFormat, PARSERS } from "./formats";
import { LineFilter, type LineFilterSpec } from "./line-filter";
import { LineScanner, type ScannerLimits } from "./line-scanner";
import type { ParseContext } from "./parsed-line";
import { giveBackReadBuffer, takeReadBuffer } from "./read-buffers";
import type { FileTally, ScanState, StateLimits } from "./scan-state";
import { yearContext } from "./timestamps";

/** Settings shared by every task of one analysis; structured-clone friendly for worker threads. */
export interface ScanConfig {
  filter: LineFilterSpec;
  limits: StateLimits;
  scanner: ScannerLimits;
  /** UTC offset assumed for timestamps without a zone (RFC 3164, zone-less ISO). */
  assumeOffsetMinutes: number;
  /** Bytes read per chunk. */
  chunkBytes: number;
}

/**
 * One unit of scanning work: a whole compressed file, or the lines of a plain file that start in
 * `[start, end)`. A range task skips the partial line at its start (the previous range reads it)
 * and reads past `end` to finish its last line, so each line is read by exactly one task.
 */
export interface ScanTask {
  fileIndex: number;
  path: string;
  compressed: boolean;
  format: LogFormat;
  /** The file's modification time: the reference for years missing from RFC 3164 timestamps. */
  referenceMs: number;
  start: number;
  end: number;
}

export type ProgressSink = (bytes: number) => void;

function contextFor(task: ScanTask, config: ScanConfig): ParseContext {
  return {
    year: yearContext(task.referenceMs, config.assumeOffsetMinutes),
    assumeOffsetMinutes: config.assumeOffsetMinutes,
    cursor: { end: 0, ts: Number.NaN },
  };
}

/**
 * Scans one task into `state` (shared by every task of the thread) and the file's `tally`. Resolves
 * with why the task stopped early — a corrupt archive, a read error — or null; the lines read
 * before a failure still count. Only an abort rejects.
 */
export async function runScanTask(
  task: ScanTask,
  config: ScanConfig,
  state: ScanState,
  tally: FileTally,
  onProgress: ProgressSink = () => {},
  signal?: AbortSignal,
): Promise<string | null> {
  const scanner = new LineScanner(
    PARSERS[task.format],
    contextFor(task, config),
    new LineFilter(config.filter),
    state,
    tally,
    config.scanner,
    /* batch */ true,
  );
  let error: string | null = null;
  try {
    if (task.compressed) await scanCompressed(task, config, scanner, onProgress, signal);
    else await scanRange(task, config, scanner, onProgress, signal);
  } catch (cause) {
    if (signal?.aborted) throw cause;
    error = cause instanceof Error ? cause.message : String(cause);
  }
  scanner.finish();
  return error;
}

async function scanRange(
  task: ScanTask,
  config: ScanConfig,
  scanner: LineScanner,
  onProgress: ProgressSink,
  signal: AbortSignal | undefined,
): Promise<void> {
  const file = await open(task.path, "r");
  let reading: Promise<{ bytesRead: number }> = Promise.resolve({ bytesRead: 0 });
  const buffer = takeReadBuffer(config.chunkBytes);
  const other = takeReadBuffer(config.chunkBytes);
  try {
    let pos = task.start;
    if (pos > 0) {
      // Skip to just after the first line break at or after start-1: the line in progress at
      // `start` belongs to the previous range.
      let at = pos - 1;
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, at);
        if (bytesRead === 0) return;
        const newline = buffer.subarray(0, bytesRead).indexOf(10);
        if (newline >= 0) {
          pos = at + newline + 1;
          break;
        }
        at += bytesRead;
      }
    }
    if (pos >= task.end) return;
    if (pos > 0) scanner.resumeMidFile();
    let last = -1;
    // Two buffers: the next chunk is read (on libuv's thread pool) while this one is scanned.
    let current = buffer;
    let spare = other;
    reading = file.read(current, 0, Math.min(current.length, task.end - pos), pos);
    while (pos < task.end) {
      signal?.throwIfAborted();
      const { bytesRead } = await reading;
      if (bytesRead === 0) return;
      const next = pos + bytesRead;
      reading =
        next < task.end
          ? file.read(spare, 0, Math.min(spare.length, task.end - next), next)
          : Promise.resolve({ bytesRead: 0 });
      const chunk = current.subarray(0, bytesRead);
      last = chunk[bytesRead - 1] as number;
      scanner.push(chunk);
      onProgress(bytesRead);
      pos = next;
      [current, spare] = [spare, current];
    }
    await reading;
    // Finish the line that crosses `end`.
    while (last !== 10) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, pos);
      if (bytesRead === 0) return;
      const newline = buffer.subarray(0, bytesRead).indexOf(10);
      const take = newline >= 0 ? newline + 1 : bytesRead;
      scanner.push(buffer.subarray(0, take));
      pos += take;
      last = buffer[take - 1] as number;
    }
  } finally {
    // An abort can leave a read in flight: let it settle before the file closes under it.
    await reading.catch(() => {});
    await file.close();
    giveBackReadBuffer(buffer);
    giveBackReadBuffer(other);
  }
}

async function scanCompressed(
  task: ScanTask,
  config: ScanConfig,
  scanner: LineScanner,
  onProgress: ProgressSink,
  signal: AbortSignal | undefined,
): Promise<void> {
  const source = createReadStream(task.path, { highWaterMark: config.chunkBytes });
  let reported = 0;
  await pipeline(
    source,
    createGunzip({ chunkSize: 256 * 1024 }),
    async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        scanner.push(chunk);
        // Progress is in compressed bytes, so it adds up to the file size.
        onProgress(source.bytesRead - reported);
        reported = source.bytesRead;
      }
    },
    { signal },
  );
}
