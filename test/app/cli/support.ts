import { EventEmitter } from "node:events";
import type { CliIo } from "../../../app/cli/io";
import { runCli } from "../../../app/cli/run";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  now?: () => Date;
  /** Send signals to the run (the agent, cancelling a backup). */
  signals?: EventEmitter;
  /** Pretend stderr is a terminal. */
  tty?: boolean;
}

/** Runs `opsdeck <argv>` in this process with captured output; the real commands, real servers. */
export async function opsdeck(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        return true;
      },
    },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
        return true;
      },
      isTTY: options.tty === true,
    },
    env: options.env ?? {},
    signals: options.signals ?? new EventEmitter(),
    ...(options.now ? { now: options.now } : {}),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A clock that moves one second per call, so backups made in a row get different names. */
export function tickingClock(startIso: string): () => Date {
  let at = Date.parse(startIso);
  return () => {
    at += 1000;
    return new Date(at);
  };
}
