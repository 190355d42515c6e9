import { parentPort } from "node:worker_threads";
import { emptyTally, type FileTally, ScanState, type ScanStateSnapshot } from "./scan-state";
import { runScanTask, type ScanConfig, type ScanTask } from "./scan-task";

/**
 * Worker-thread entry for worker-pool.ts. Scans the tasks it is sent into one set of summaries
 * (and a small tally per file) and hands them back when asked to collect. Progress is batched
 * (~8 MiB) so messages stay cheap next to the scanning.
 */
export type WorkerRequest =
  | { type: "scan"; id: number; task: ScanTask; config: ScanConfig }
  | { type: "collect" };

export type WorkerReply =
  | { type: "progress"; bytes: number }
  | { type: "done"; id: number; error: string | null }
  | { type: "failed"; id: number; message: string }
  | { type: "collected"; state: ScanStateSnapshot | null; tallies: [number, FileTally][] };

const PROGRESS_BATCH = 8 * 1024 * 1024;

const port = parentPort;
if (port) {
  let state: ScanState | null = null;
  const tallies = new Map<number, FileTally>();
  port.on("message", (request: WorkerRequest) => {
    if (request.type === "collect") {
      port.postMessage({
        type: "collected",
        state: state?.snapshot() ?? null,
        tallies: [...tallies],
      } satisfies WorkerReply);
      state = null;
      tallies.clear();
      return;
    }
    const { id, task, config } = request;
    state ??= new ScanState(config.limits);
    let tally = tallies.get(task.fileIndex);
    if (!tally) {
      tally = emptyTally();
      tallies.set(task.fileIndex, tally);
    }
    let pending = 0;
    const progress = (bytes: number) => {
      pending += bytes;
      if (pending >= PROGRESS_BATCH) {
        port.postMessage({ type: "progress", bytes: pending } satisfies WorkerReply);
        pending = 0;
      }
    };
    runScanTask(task, config, state, tally, progress).then(
      (error) => {
        if (pending > 0) port.postMessage({ type: "progress", bytes: pending } satisfies WorkerReply);
        port.postMessage({ type: "done", id, error } satisfies WorkerReply);
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        port.postMessage({ type: "failed", id, message } satisfies WorkerReply);
      },
    );
  });
}
