import type pino from "pino";
import type { BackupConfig } from "../backup/config";
import type { AppConfig } from "../config/schema";
import type { Logger } from "../lib/logger";
import { openStore } from "../storage/open";
import type { Store } from "../storage/store";
import { InterruptedError } from "./errors";
import { EXIT, type ExitCode } from "./exit-codes";
import type { CliIo } from "./io";

/** Options every command accepts (given before or after the command name). */
export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

/**
 * What the commands share during one run: the io, the config (loaded on first use, so `logs analyze`
 * works without one), the store, a logger on stderr and the exit code the run ends with. The config
 * schemas and the store load on first use too: a run loads only what its command needs.
 */
export class CliContext {
  exitCode: ExitCode = EXIT.ok;
  private loaded: Promise<{ config: AppConfig; source: string }> | undefined;
  private cachedLogger: Logger | undefined;
  private globals: GlobalOptions = {};

  constructor(readonly io: CliIo) {}

  setGlobals(options: GlobalOptions): void {
    this.globals = options;
  }

  get verbose(): boolean {
    return this.globals.verbose === true || Boolean(this.io.env.OPSDECK_DEBUG);
  }

  now(): Date {
    return this.io.now?.() ?? new Date();
  }

  /** An explicit `--config` wins; else OPSDECK_CONFIG, OPSDECK_CONFIG_FILE, then the defaults. */
  config(): Promise<{ config: AppConfig; source: string }> {
    this.loaded ??= import("../config/index.js").then(({ appConfigSchema, loadAppConfig }) =>
      loadAppConfig({
        schema: appConfigSchema,
        env: this.io.env,
        ...(this.globals.config ? { file: this.globals.config } : {}),
      }),
    );
    return this.loaded;
  }

  store(config: AppConfig): Promise<Store> {
    return openStore(config.storage);
  }

  /** The backups section with this machine's host name settled (app/agent/host.ts). */
  async backups(config: AppConfig): Promise<BackupConfig & { host: string }> {
    const { backupsWithHost } = await import("../agent/host.js");
    return backupsWithHost(config, this.io.env);
  }

  /** Structured logs on stderr: warnings by default (stdout stays the command's output). */
  async logger(defaultLevel = "warn"): Promise<Logger> {
    if (this.cachedLogger) return this.cachedLogger;
    const { createLogger } = await import("../lib/logger.js");
    this.cachedLogger ??= createLogger("opsdeck", {
      level: this.io.env.OPSDECK_LOG_LEVEL ?? (this.verbose ? "debug" : defaultLevel),
      destination: { write: (line: string) => this.io.stderr.write(line) } as pino.DestinationStream,
    });
    return this.cachedLogger;
  }

  print(text: string): void {
    this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One line on stderr for people: warnings and notes that are not the command's output. */
  note(text: string): void {
    this.io.stderr.write(`opsdeck: ${text}\n`);
  }

  /** Keeps the worst exit code seen (a failure outranks an unhealthy result outranks ok). */
  fail(code: ExitCode): void {
    const rank = (c: ExitCode) => (c === EXIT.ok ? 0 : c === EXIT.unhealthy ? 1 : 2);
    if (rank(code) > rank(this.exitCode)) this.exitCode = code;
  }

  /**
   * An AbortSignal that fires on SIGINT/SIGTERM while `work` runs, so long work (a backup) is
   * cancelled cleanly; the run then ends with EXIT.interrupted.
   */
  async cancellable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onSignal = () => controller.abort(new InterruptedError("interrupted by a signal"));
    this.io.signals.once("SIGINT", onSignal);
    this.io.signals.once("SIGTERM", onSignal);
    try {
      const result = await work(controller.signal);
      if (controller.signal.aborted) throw controller.signal.reason;
      return result;
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      this.io.signals.off("SIGINT", onSignal);
      this.io.signals.off("SIGTERM", onSignal);
    }
  }
}
