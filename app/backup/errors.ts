/** The outcome of a failed `createBackup`, as data for alerts, state and `--json` output. */
export interface BackupFailure {
  ok: false;
  host: string;
  label: string;
  /** Set once the backup had a name (it failed after validation). */
  id?: string;
  key?: string;
  startedAt: string;
  failedAt: string;
  durationMs: number;
  /** preparing | archiving | writing-manifest */
  phase: string;
  /** The root cause, readable by a person. */
  error: string;
}

/** A backup could not be created. Nothing that looks complete was left behind. */
export class BackupError extends Error {
  override readonly name = "BackupError";
  constructor(
    readonly failure: BackupFailure,
    options?: { cause?: unknown },
  ) {
    super(
      `backup ${failure.host}/${failure.id ?? failure.label} failed while ${failure.phase}: ${failure.error}`,
      options,
    );
  }
}

/** No complete backup (archive + manifest) matches what the user named. */
export class BackupNotFoundError extends Error {
  override readonly name = "BackupNotFoundError";
  constructor(
    readonly ref: string,
    detail: string,
  ) {
    super(`backup ${ref}: ${detail}`);
  }
}

export type RestoreFailureKind = "refused" | "conflict" | "corrupt" | "failed";

/**
 * A restore did not happen. `kind` says why: hostile entries (refused), files that exist without
 * `force` (conflict), an archive that does not match its manifest (corrupt), or an I/O failure.
 * The target directory is left as it was, apart from complete files moved before an I/O failure.
 */
export class RestoreError extends Error {
  override readonly name = "RestoreError";
  constructor(
    readonly kind: RestoreFailureKind,
    message: string,
    readonly problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    const listed = problems
      .slice(0, 20)
      .map((p) => `\n  ${p}`)
      .join("");
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : "";
    super(`${message}${listed}${more}`, options);
  }
}

/** The message of an unknown thrown value, with the cause chain a person needs to act on it. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
}
