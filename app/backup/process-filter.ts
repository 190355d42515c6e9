import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { Duplex } from "node:stream";

/** An external compressor failed: it is missing, crashed, or exited with a non-zero status. */
export class CompressorError extends Error {
  override readonly name = "CompressorError";
}

const STDERR_TAIL = 2_000;

export interface ProcessFilterOptions {
  /**
   * A file descriptor the program prints into itself (a store's file): its output then never passes
   * through this process, and the readable side carries no bytes, only the end once it exited 0.
   */
  stdoutFd?: number;
}

/**
 * A child process used as a stream filter (`pigz -c`, `zstd -d -c`): what is written goes to its
 * stdin, what it prints comes out. The readable side ends only after the process exited with status 0,
 * so a crash halfway can never pass for a short but complete output.
 */
export class ProcessFilter extends Duplex {
  private readonly child: ChildProcessByStdio<Writable, Readable | null, Readable>;
  private stdoutEnded: boolean;
  private inputEnded = false;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private stdinError: Error | undefined;
  private stderrTail = "";
  private waitingWrite: (() => void) | undefined;

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    options: ProcessFilterOptions = {},
  ) {
    super();
    // stdin and stderr are pipes; stdout is one unless a descriptor was given (then it is null).
    const child = spawn(command, args, {
      stdio: ["pipe", options.stdoutFd ?? "pipe", "pipe"],
    }) as ChildProcessByStdio<Writable, Readable | null, Readable>;
    this.child = child;
    this.stdoutEnded = child.stdout === null;
    child.on("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ENOENT" ? "it is not installed (not found on PATH)" : error.message;
      this.destroy(new CompressorError(`cannot run ${command}: ${why}`, { cause: error }));
    });
    const stdout = child.stdout;
    stdout?.on("data", (chunk: Buffer) => {
      if (!this.push(chunk)) stdout.pause();
    });
    stdout?.on("end", () => {
      this.stdoutEnded = true;
      this.settle();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    // EPIPE when the process died early: its exit status explains why, so pending writes wait for it.
    child.stdin.on("error", (error) => {
      this.stdinError ??= error;
    });
    child.on("close", (code, signal) => {
      this.exit = { code, signal };
      this.releaseWrite();
      this.settle();
    });
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  /**
   * Calls back once the pipe has taken the bytes, not when they are merely queued: the writer may
   * then reuse the chunk (the tar side writes from a small pool of buffers), and at most one chunk
   * waits here at a time.
   */
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.exit || this.stdinError) {
      this.afterExit(done);
      return;
    }
    this.child.stdin.write(chunk, (error) => {
      if (!error) done();
      else {
        this.stdinError ??= error;
        this.afterExit(done);
      }
    });
  }

  /** EPIPE when the process died early: its exit status explains why, so the write waits for it. */
  private afterExit(done: (error?: Error | null) => void): void {
    if (this.exit) done(this.failure());
    else this.waitingWrite = () => done(this.failure());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.inputEnded = true;
    this.child.stdin.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (!this.exit) this.child.kill("SIGTERM");
    done(error);
  }

  private releaseWrite(): void {
    const waiting = this.waitingWrite;
    this.waitingWrite = undefined;
    waiting?.();
  }

  private failure(): CompressorError {
    const stderr = this.stderrTail.trim();
    const detail = stderr ? `: ${stderr}` : "";
    if (this.exit?.signal)
      return new CompressorError(`${this.command} was killed by ${this.exit.signal}${detail}`);
    if (this.exit && this.exit.code !== 0) {
      return new CompressorError(`${this.command} exited with status ${this.exit.code}${detail}`);
    }
    if (this.stdinError) {
      return new CompressorError(`${this.command} stopped reading its input${detail}`, {
        cause: this.stdinError,
      });
    }
    return new CompressorError(`${this.command} exited before reading all of its input${detail}`);
  }

  private settle(): void {
    if (!this.exit || !this.stdoutEnded || this.destroyed) return;
    if (this.exit.code === 0 && this.inputEnded && !this.stdinError) this.push(null);
    else this.destroy(this.failure());
  }
}
