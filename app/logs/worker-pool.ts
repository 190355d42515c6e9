import { existsSync } from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { addTally, emptyTally, type FileTally, ScanState } from "./scan-state";
import { runScanTask, type ScanConfig, type ScanTask } from "./scan-task";
import type { WorkerReply, WorkerRequest } from "./scan-worker";

export interface PoolOptions {
  /** Threads that scan, this one included; 1 scans only here (no worker start-up cost). */
  workers: number;
  /** The compiled worker entry; defaults to scan-worker next to this module. */
  workerScript?: string;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
}

/** What a pool run produced: the merged summaries, and per file its tally and first error. */
export interface PoolResult {
  state: ScanState;
  files: { tally: FileTally; error: string | null }[];
}

/**
 * Young-generation cap per worker. The scan allocates little per line, and V8's default
 * (up to 48 MiB of semi-spaces per isolate) would otherwise dominate resident memory.
 */
const WORKER_YOUNG_GENERATION_MB = 2;

/**
 * The worker entry next to this module: `scan-worker.js` when compiled or bundled (a bundle must
 * emit it as its own entry point), `scan-worker.ts` under tsx/vitest, which then loads tsx.
 */
export function defaultWorkerScript(): { script: string; execArgv: string[] } {
  const extension = path.extname(__filename) === ".ts" ? ".ts" : ".js";
  const script = path.join(__dirname, `scan-worker${extension}`);
  if (extension === ".js") return { script, execArgv: [] };
  // Only reached when running from TypeScript sources (tests, tsx), where tsx is installed.
  const tsx = "tsx/cjs";
  return { script, execArgv: ["--require", require.resolve(tsx)] };
}

/**
 * Runs scan tasks, largest first, on `workers` threads — this one plus `workers - 1` worker
 * threads, since an extra isolate costs ~10 MiB of resident memory and this thread would
 * otherwise only wait — and returns the merged summaries and a tally per file. This
 * thread reads with async I/O, so its event loop still turns between chunks. Without the worker
 * entry (a bundle that did not emit it) everything runs here: slower, same results.
 */
export async function runTasks(
  tasks: readonly ScanTask[],
  fileCount: number,
  config: ScanConfig,
  options: PoolOptions,
): Promise<PoolResult> {
  const result: PoolResult = {
    state: new ScanState(config.limits),
    files: Array.from({ length: fileCount }, () => ({ tally: emptyTally(), error: null })),
  };
  const entry = options.workerScript ? { script: options.workerScript, execArgv: [] } : defaultWorkerScript();
  const threads = existsSync(entry.script) ? Math.min(options.workers, tasks.length) : 1;
  const order = tasks
    .map((_, i) => i)
    .sort((a, b) => taskSize(tasks[b] as ScanTask) - taskSize(tasks[a] as ScanTask));
  let next = 0;
  const take = (): number | undefined => (next < order.length ? order[next++] : undefined);

  const scanHere = async () => {
    for (let id = take(); id !== undefined; id = take()) {
      options.signal?.throwIfAborted();
      const task = tasks[id] as ScanTask;
      const file = result.files[task.fileIndex] as PoolResult["files"][number];
      file.error ??= await runScanTask(
        task,
        config,
        result.state,
        file.tally,
        options.onProgress,
        options.signal,
      );
    }
  };
  if (threads <= 1) {
    await scanHere();
    return result;
  }

  const pool: Worker[] = [];
  try {
    const inWorkers = new Promise<void>((resolve, reject) => {
      let busy = 0;
      let collecting = 0;
      const onAbort = () => fail(options.signal?.reason ?? new Error("aborted"));
      const fail = (error: unknown) => {
        options.signal?.removeEventListener("abort", onAbort);
        reject(error);
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const dispatch = (worker: Worker) => {
        const id = take();
        if (id !== undefined) {
          busy++;
          worker.postMessage({
            type: "scan",
            id,
            task: tasks[id] as ScanTask,
            config,
          } satisfies WorkerRequest);
        } else if (busy === 0 && collecting === 0) {
          // No task left and none running: collect each worker's per-file states.
          collecting = pool.length;
          for (const member of pool) member.postMessage({ type: "collect" } satisfies WorkerRequest);
        }
      };
      for (let i = 1; i < threads; i++) {
        const worker = new Worker(entry.script, {
          execArgv: entry.execArgv,
          resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
        });
        pool.push(worker);
        worker.on("message", (reply: WorkerReply) => {
          switch (reply.type) {
            case "progress":
              options.onProgress?.(reply.bytes);
              return;
            case "failed":
              fail(new Error(`scanning ${(tasks[reply.id] as ScanTask).path} failed: ${reply.message}`));
              return;
            case "done": {
              busy--;
              const file = result.files[
                (tasks[reply.id] as ScanTask).fileIndex
              ] as PoolResult["files"][number];
              file.error ??= reply.error;
              dispatch(worker);
              return;
            }
            case "collected":
              if (reply.state) result.state.mergeSnapshot(reply.state);
              for (const [fileIndex, tally] of reply.tallies) {
                addTally((result.files[fileIndex] as PoolResult["files"][number]).tally, tally);
              }
              if (--collecting === 0) {
                options.signal?.removeEventListener("abort", onAbort);
                resolve();
              }
              return;
          }
        });
        worker.on("error", (error) =>
          fail(new Error(`log scan worker crashed: ${error.message}`, { cause: error })),
        );
      }
      for (const worker of pool) dispatch(worker);
    });
    // If this thread fails, the workers are terminated below and their promise is dropped.
    inWorkers.catch(() => {});
    await scanHere();
    await inWorkers;
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return result;
}

function taskSize(task: ScanTask): number {
  // A compressed file expands ~5–10× and cannot be split: start it early.
  return (task.end - task.start) * (task.compressed ? 6 : 1);
}
