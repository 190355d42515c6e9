import { createReadStream, type Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { detectFormat, type FormatDetection } from "./detect-format";
import { LogFileError } from "./errors";
import type { LogFormat } from "./formats";
import type { ScanTask } from "./scan-task";
import { yearContext } from "./timestamps";

export interface InspectedFile {
  index: number;
  path: string;
  size: number;
  mtimeMs: number;
  compressed: boolean;
  format: LogFormat;
  /** How the format was chosen: null when it was given. */
  detection: FormatDetection | null;
}

/** Bytes of (decompressed) head read to detect a file's format. */
const SAMPLE_BYTES = 64 * 1024;

async function readHead(path: string, compressed: boolean): Promise<{ head: Buffer; complete: boolean }> {
  if (!compressed) {
    const file = await open(path, "r");
    try {
      const buffer = Buffer.alloc(SAMPLE_BYTES);
      const { bytesRead } = await file.read(buffer, 0, SAMPLE_BYTES, 0);
      return { head: buffer.subarray(0, bytesRead), complete: bytesRead < SAMPLE_BYTES };
    } finally {
      await file.close();
    }
  }
  const chunks: Buffer[] = [];
  let length = 0;
  const source = createReadStream(path);
  const gunzip = createGunzip();
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= SAMPLE_BYTES)
        return { head: Buffer.concat(chunks).subarray(0, SAMPLE_BYTES), complete: false };
    }
    return { head: Buffer.concat(chunks), complete: true };
  } catch {
    // A corrupt archive: detect from what was read; the scan reports the error.
    return { head: Buffer.concat(chunks), complete: false };
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

async function isGzip(path: string): Promise<boolean> {
  const file = await open(path, "r");
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await file.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await file.close();
  }
}

/** Stats a log file, tells plain from gzip by its magic bytes and settles its format. */
export async function inspectFile(
  path: string,
  index: number,
  format: LogFormat | "auto",
  assumeOffsetMinutes: number,
): Promise<InspectedFile> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new LogFileError(path, code === "ENOENT" ? "no such file" : `cannot read (${code ?? cause})`, {
      cause,
    });
  }
  if (!info.isFile()) throw new LogFileError(path, "not a regular file");
  let compressed: boolean;
  try {
    compressed = await isGzip(path);
  } catch (cause) {
    throw new LogFileError(path, `cannot open (${(cause as NodeJS.ErrnoException).code ?? cause})`, {
      cause,
    });
  }
  if (format !== "auto") {
    return { index, path, size: info.size, mtimeMs: info.mtimeMs, compressed, format, detection: null };
  }
  const { head, complete } = await readHead(path, compressed);
  const context = {
    year: yearContext(info.mtimeMs, assumeOffsetMinutes),
    assumeOffsetMinutes,
    cursor: { end: 0, ts: Number.NaN },
  };
  const detection = detectFormat(head, context, complete);
  return {
    index,
    path,
    size: info.size,
    mtimeMs: info.mtimeMs,
    compressed,
    format: detection.format,
    detection,
  };
}

/** Plain files smaller than this are never split: a worker's start-up would cost more. */
export const MIN_SPLIT_BYTES = 16 * 1024 * 1024;

/**
 * Cuts the work into tasks: a compressed file is one task (gzip cannot be entered mid-stream);
 * a large plain file is split into byte ranges of shrinking size — each half of a worker's share
 * of what is left, down to MIN_SPLIT_BYTES. Threads take the largest first, so the last ranges
 * are small and the threads finish close together (with equal ranges one thread often idled for
 * a quarter of a second at the end), while the number of tasks grows only logarithmically.
 */
export function planTasks(files: readonly InspectedFile[], workers: number): ScanTask[] {
  const tasks: ScanTask[] = [];
  for (const file of files) {
    const base = {
      fileIndex: file.index,
      path: file.path,
      compressed: file.compressed,
      format: file.format,
      referenceMs: file.mtimeMs,
    };
    if (file.compressed || workers <= 1 || file.size < 2 * MIN_SPLIT_BYTES) {
      tasks.push({ ...base, start: 0, end: file.size });
      continue;
    }
    for (let start = 0; start < file.size; ) {
      const left = file.size - start;
      const step = Math.max(MIN_SPLIT_BYTES, Math.ceil(left / (2 * workers)));
      // A remainder too small to be worth a task joins this one.
      const end = left - step < MIN_SPLIT_BYTES ? file.size : start + step;
      tasks.push({ ...base, start, end });
      start = end;
    }
  }
  return tasks;
}
