/** What a CLI run touches outside itself; `processIo()` in production, captured streams in tests. */
export interface CliStream {
  write(chunk: string): unknown;
  /** Only a TTY gets progress bars (unless `--progress` forces them). */
  isTTY?: boolean;
  columns?: number;
}

export interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Record<string, string | undefined>;
  /** Where SIGTERM/SIGINT arrive (the agent, and cancelling long work): the process, or an emitter in tests. */
  signals: SignalSource;
  /** For checks and webhook notifiers; global fetch by default. */
  fetch?: typeof fetch;
  now?: () => Date;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process };
}
