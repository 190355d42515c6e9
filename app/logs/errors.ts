/** The logs module's errors, apart from the code that throws them, so the CLI can tell them apart cheaply. */

/** A log file could not be opened or is not a regular file. */
export class LogFileError extends Error {
  override readonly name = "LogFileError";
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${message}`, options);
  }
}

/** Rotation could not be done safely; the log file keeps its content. */
export class RotationError extends Error {
  override readonly name = "RotationError";
}
