import { CommanderError } from "commander";
// From their own modules, not the barrels: every run loads this file, so it must stay light.
import { SourceError } from "../backup/archive";
import { BackupError, BackupNotFoundError, RestoreError } from "../backup/errors";
import { BackupNameError } from "../backup/naming";
import { CompressorError } from "../backup/process-filter";
import { SelectionError } from "../backup/selection";
import { ValidationError } from "../lib/validation";
import { LogFileError, RotationError } from "../logs/errors";
import { StoreError, StoreNotFoundError } from "../storage/store";
import { EXIT, type ExitCode } from "./exit-codes";

/** A command line that parses but makes no sense (`--max-size lots`); exits with EXIT.usage. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The command was stopped by SIGINT/SIGTERM; exits with EXIT.interrupted. */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
}

export interface ClassifiedError {
  code: ExitCode;
  /** What to print on stderr; empty when it was printed already (commander's own messages). */
  message: string;
  /** Only unknown errors are worth a stack trace, and only when asked for. */
  internal: boolean;
}

function errnoOf(error: unknown): string | undefined {
  const own = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof own === "string" && own.startsWith("E")) return own;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause === undefined ? undefined : errnoOf(cause);
}

/** Maps an error to its exit code and the line a person reads. See docs/cli.md for the table. */
export function classifyError(error: unknown): ClassifiedError {
  const known = (code: ExitCode, message = (error as Error).message): ClassifiedError => ({
    code,
    message,
    internal: false,
  });
  if (error instanceof CommanderError) {
    // --help and --version end this way too; commander has already written what it had to say.
    return { code: error.exitCode === 0 ? EXIT.ok : EXIT.usage, message: "", internal: false };
  }
  if (error instanceof UsageError) return known(EXIT.usage);
  if (error instanceof InterruptedError) return known(EXIT.interrupted);
  // A config file that is not there is "not found", not "invalid" (loadAppConfigFile wraps it).
  if (error instanceof ValidationError && errnoOf(error) === "ENOENT") return known(EXIT.notFound);
  if (
    error instanceof ValidationError ||
    error instanceof BackupNameError ||
    error instanceof SelectionError
  ) {
    return known(EXIT.invalid);
  }
  if (error instanceof BackupNotFoundError || error instanceof StoreNotFoundError)
    return known(EXIT.notFound);
  if (error instanceof LogFileError) return known(errnoOf(error) === "ENOENT" ? EXIT.notFound : EXIT.failed);
  if (error instanceof SourceError) return known(errnoOf(error) === "ENOENT" ? EXIT.notFound : EXIT.invalid);
  if (error instanceof BackupError) return known(EXIT.failed);
  if (error instanceof RestoreError) return known(EXIT.failed, `restore ${error.kind}: ${error.message}`);
  if (error instanceof RotationError || error instanceof CompressorError || error instanceof StoreError) {
    return known(EXIT.failed);
  }
  const errno = errnoOf(error);
  if (errno === "ENOENT") return known(EXIT.notFound);
  if (errno === "EACCES" || errno === "EPERM" || errno === "ENOSPC" || errno === "EISDIR") {
    return known(EXIT.failed);
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: EXIT.internal, message: `internal error: ${message}`, internal: true };
}
