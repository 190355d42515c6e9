import { readdirSync, readFileSync } from "node:fs";

/** Pausing a writer failed; it has been resumed. */
export class PauseError extends Error {
  override readonly name = "PauseError";
}

function allThreadsStopped(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return true; // Exited: it writes nothing more.
  }
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, "latin1");
      // The state follows the parenthesised command name, which may itself hold spaces.
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      // Stopped, or exited and not yet reaped (zombie, dead): either way it writes nothing more.
      if (state !== "T" && state !== "t" && state !== "Z" && state !== "X") return false;
    } catch {
      // The thread ended.
    }
  }
  return true;
}

/**
 * Stops processes with SIGSTOP and waits (spinning on /proc, at most `timeoutMs`) until every one
 * of their threads is stopped, so none is still inside a write when it returns. Synchronous on
 * purpose: the caller's critical section must not yield to the event loop while they are paused.
 */
export function pauseProcesses(pids: readonly number[], timeoutMs = 1000): void {
  if (pids.includes(process.pid)) throw new PauseError("cannot pause the process doing the rotation");
  const stopped: number[] = [];
  try {
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGSTOP");
      } catch (error) {
        // A writer that has exited writes nothing more.
        if ((error as NodeJS.ErrnoException).code === "ESRCH") continue;
        throw error;
      }
      stopped.push(pid);
    }
    const deadline = Date.now() + timeoutMs;
    for (const pid of stopped) {
      while (!allThreadsStopped(pid)) {
        if (Date.now() > deadline) throw new PauseError(`process ${pid} did not stop within ${timeoutMs} ms`);
      }
    }
  } catch (error) {
    resumeProcesses(stopped);
    if (error instanceof PauseError) throw error;
    throw new PauseError(`cannot pause writer: ${(error as Error).message}`, { cause: error });
  }
}

/** Sends SIGCONT; a process that has exited meanwhile is skipped. */
export function resumeProcesses(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGCONT");
    } catch {
      // Gone.
    }
  }
}
