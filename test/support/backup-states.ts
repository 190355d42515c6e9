import type { BackupFailureState, BackupSuccessState } from "../../app/backup/state";

/**
 * A backup success record as `recordSuccess` takes it: the fields a test cares about, plausible
 * values for the rest (the key follows the id, `bytes` the size, a start equal to the completion).
 */
export function backupSuccess(
  fields: Pick<BackupSuccessState, "host" | "label" | "completedAt"> & Partial<BackupSuccessState>,
): BackupSuccessState {
  const id = fields.id ?? `x-${fields.label}`;
  const size = fields.size ?? 10;
  return {
    id,
    key: `backups/${fields.host}/${id}.tar.gz`,
    startedAt: fields.completedAt,
    durationMs: 0,
    size,
    sha256: "0".repeat(64),
    files: 1,
    bytes: size,
    compressor: "gzip",
    ...fields,
  };
}

/** A failed run of a job, as `recordFailure` takes it: archiving ran out of disk at `failedAt`. */
export function backupFailure(
  fields: Pick<BackupFailureState, "host" | "label" | "failedAt"> & Partial<BackupFailureState>,
): BackupFailureState {
  return { startedAt: fields.failedAt, phase: "archiving", error: "disk full", ...fields };
}
