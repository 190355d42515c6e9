import { execFile } from "node:child_process";

export interface CommandOutcome {
  ok: boolean;
  /** One line for people: "exit code 3: unit web.service not found", "timed out after 60 s". */
  message: string;
}

const MAX_OUTPUT = 64 * 1024;
const MESSAGE_CHARS = 300;

/**
 * Runs one remediation argv with execFile (no shell) and a hard timeout. Never throws: a command
 * that is missing, exits non-zero, or outlives `timeoutMs` is a failed outcome. SIGKILL on timeout,
 * because a hung restart script that ignores SIGTERM must not hold the round.
 */
export function runRemediationCommand(
  argv: readonly [string, ...string[]],
  options: { timeoutMs: number },
): Promise<CommandOutcome> {
  const [program, ...args] = argv;
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { timeout: options.timeoutMs, killSignal: "SIGKILL", maxBuffer: MAX_OUTPUT, windowsHide: true },
      (error, _stdout, stderr) => {
        if (!error) return resolve({ ok: true, message: "exit code 0" });
        const detail = lastLine(String(stderr));
        const failure = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        let message: string;
        if (failure.code === "ENOENT") message = `${program}: command not found`;
        else if (failure.killed && failure.signal === "SIGKILL")
          message = `timed out after ${options.timeoutMs} ms`;
        else if (typeof failure.code === "number") message = `exit code ${failure.code}`;
        else if (failure.signal) message = `killed by ${failure.signal}`;
        else message = failure.message;
        resolve({ ok: false, message: detail ? `${message}: ${detail}` : message });
      },
    );
  });
}

function lastLine(text: string): string {
  const line = text.trim().split("\n").at(-1)?.trim() ?? "";
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS)}…` : line;
}
