import { availableParallelism } from "node:os";
import { type FileAnalysis, type LogAnalysis, levelCounts, summarize } from "./analysis-result";
import {
  type AnalyzeSettingsInput,
  filterSpecOf,
  parseAnalyzeSettings,
  scannerLimitsOf,
  stateLimitsOf,
} from "./analyze-options";
import { type InspectedFile, inspectFile, MIN_SPLIT_BYTES, planTasks } from "./plan-tasks";
import { addTally, emptyTally } from "./scan-state";
import type { ScanConfig } from "./scan-task";
import { type PoolResult, runTasks } from "./worker-pool";

export interface AnalyzeProgress {
  bytesDone: number;
  bytesTotal: number;
}

export interface AnalyzeOptions extends AnalyzeSettingsInput {
  signal?: AbortSignal;
  /** Called as bytes are scanned (compressed bytes for .gz files), for progress bars. */
  onProgress?: (progress: AnalyzeProgress) => void;
  /** The compiled worker entry (scan-worker.js) when it does not sit next to this module. */
  workerScript?: string;
  /** Clock for the reported duration. */
  now?: () => number;
}

/** At most this many workers when "auto": each holds its own chunk buffer and tables. */
const MAX_AUTO_WORKERS = 4;

function workerCount(requested: number | "auto", files: readonly InspectedFile[]): number {
  if (requested !== "auto") return requested;
  const plainBytes = files.reduce((sum, file) => sum + (file.compressed ? 0 : file.size), 0);
  const compressedFiles = files.filter((file) => file.compressed).length;
  if (plainBytes < 2 * MIN_SPLIT_BYTES && compressedFiles < 2) return 1;
  return Math.max(1, Math.min(availableParallelism(), MAX_AUTO_WORKERS));
}

/**
 * Analyses log files — plain or gzip, each in its detected (or the given) format — in one
 * streaming pass with bounded memory, on worker threads when the input is large enough.
 * Invalid options throw ValidationError; a missing or unreadable file throws LogFileError before
 * any scanning; a file that fails midway (corrupt archive) is reported in its `error` field.
 */
export async function analyzeLogs(
  paths: string | readonly string[],
  options: AnalyzeOptions = {},
): Promise<LogAnalysis> {
  const { signal, onProgress, workerScript, now = Date.now, ...input } = options;
  const settings = parseAnalyzeSettings(input);
  const started = now();
  const list = typeof paths === "string" ? [paths] : [...paths];
  if (list.length === 0) throw new RangeError("analyzeLogs needs at least one file");

  const files = await Promise.all(
    list.map((path, index) => inspectFile(path, index, settings.format, settings.assumeUtcOffsetMinutes)),
  );
  const workers = workerCount(settings.workers, files);
  const tasks = planTasks(files, workers);
  const config: ScanConfig = {
    filter: filterSpecOf(settings),
    limits: stateLimitsOf(settings),
    scanner: scannerLimitsOf(settings),
    assumeOffsetMinutes: settings.assumeUtcOffsetMinutes,
    chunkBytes: settings.chunkBytes,
  };
  const bytesTotal = files.reduce((sum, file) => sum + file.size, 0);
  let bytesDone = 0;
  const scan = await runTasks(tasks, files.length, config, {
    workers,
    ...(workerScript ? { workerScript } : {}),
    ...(signal ? { signal } : {}),
    onProgress: (bytes) => {
      bytesDone += bytes;
      onProgress?.({ bytesDone, bytesTotal });
    },
  });

  const total = emptyTally();
  const fileAnalyses: FileAnalysis[] = files.map((file, i) => {
    const { tally, error } = scan.files[i] as PoolResult["files"][number];
    addTally(total, tally);
    return {
      path: file.path,
      format: file.format,
      detection: file.detection,
      compressed: file.compressed,
      sizeBytes: file.size,
      lines: { ...tally.counters },
      levels: levelCounts(tally.levels),
      error,
    };
  });
  return {
    files: fileAnalyses,
    ...summarize(scan.state, total, {
      top: settings.top,
      histogram: settings.histogram,
      incidents: settings.incidents,
    }),
    durationMs: now() - started,
  };
}
