import { parentPort } from "node:worker_threads";
import { ScanState, type ScanStateSnapshot } from "./scan-state";
import { runScanTask, type ScanConfig, type ScanTask } from "./scan-task";

/**
 * Worker-thread entry for worker-pool.ts. Scans the tasks it is sent into one state per file,
 * so a worker that reads several ranges of a file builds one set of tables, and hands the states
 * back when asked to collect. Progress is batched (~8 MiB) so messages stay cheap.
 */
export type WorkerRequest =
  | { type: "scan"; id: number; task: ScanTask; config: ScanConfig }
  | { type: "collect" };

export type WorkerReply =
  | { type: "progress"; bytes: number }
  | { type: "done"; id: number; error: string | null }
  | { type: "failed"; id: number; message: string }
  | { type: "collected"; states: [number, ScanStateSnapshot][] };

const PROGRESS_BATCH = 8 * 1024 * 1024;

const port = parentPort;
if (port) {
  const states = new Map<number, ScanState>();
  port.on("message", (request: WorkerRequest) => {
    if (request.type === "collect") {
      const snapshots: [number, ScanStateSnapshot][] = [...states].map(([file, state]) => [
        file,
        state.snapshot(),
      ]);
      states.clear();
      port.postMessage({ type: "collected", states: snapshots } satisfies WorkerReply);
      return;
    }
    const { id, task, config } = request;
    let state = states.get(task.fileIndex);
    if (!state) {
      state = new ScanState(config.limits);
      states.set(task.fileIndex, state);
    }
    let pending = 0;
    const progress = (bytes: number) => {
      pending += bytes;
      if (pending >= PROGRESS_BATCH) {
        port.postMessage({ type: "progress", bytes: pending } satisfies WorkerReply);
        pending = 0;
      }
    };
    runScanTask(task, config, state, progress).then(
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
