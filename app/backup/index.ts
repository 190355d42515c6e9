/**
 * Verified streaming backups: create, list, verify, restore, prune, and the state the dashboard reads.
 * See docs/backups.md.
 */
export { type ArchiveSource, SourceError } from "./archive";
export { type BackupListing, listBackups, readManifest } from "./catalog";
export {
  type Compressor,
  CompressorError,
  type CompressorPrograms,
  type CompressorRequest,
  type CompressorSelection,
  isProgramAvailable,
  selectCompressor,
} from "./compressors";
export * from "./config";
export { type BackupRecord, type CreateBackupOptions, createBackup } from "./create";
export {
  BackupError,
  type BackupFailure,
  BackupNotFoundError,
  RestoreError,
  type RestoreFailureKind,
} from "./errors";
export {
  type BackupFreshness,
  backupFreshness,
  backupStaleAfterMs,
  DEFAULT_STALE_AFTER_MS,
  type FreshnessInput,
  type RecordedJob,
  recordedFreshness,
  recordedStaleAfterMs,
  STALE_AFTER_PERIODS,
} from "./freshness";
export {
  type BackupJobContext,
  type BackupJobOutcome,
  pruneBackupJobs,
  runBackupJob,
} from "./jobs";
export { type BackupManifest, MANIFEST_FORMAT, type ManifestEntry, parseManifest } from "./manifest";
export {
  type ArchiveFormat,
  archiveKey,
  type BackupName,
  BackupNameError,
  manifestKey,
  parseBackupKey,
  parseBackupRef,
} from "./naming";
export type {
  BackupEvent,
  BackupEventListener,
  BackupOperation,
  BackupPhase,
  BackupProgress,
  BackupWarning,
} from "./progress";
export {
  DEFAULT_INCOMPLETE_GRACE_MS,
  type PruneBackupsOptions,
  type PruneGroup,
  type PruneResult,
  pruneBackups,
} from "./prune";
export {
  type BackupReportRead,
  backupReportKey,
  backupReportMetrics,
  type HostBackupReport,
  hostBackupReportSchema,
  readBackupReport,
} from "./report";
export { type RestoreBackupOptions, type RestoreResult, restoreBackup } from "./restore";
export { applyRetention, describePolicy, type KeepCount, type RetentionPolicy } from "./retention";
export { SelectionError } from "./selection";
export {
  type BackupFailureState,
  type BackupJobState,
  type BackupSuccessState,
  type BackupSummary,
  type BackupVerifyState,
  backupStateKey,
  backupSummaryKey,
  type ReadBackupStatesOptions,
  readBackupStates,
  refreshBackupSummary,
} from "./state";
export { type VerifyBackupOptions, type VerifyResult, verifyBackup } from "./verify";
export { OPSDECK_VERSION } from "./version";
