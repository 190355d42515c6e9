/**
 * Events a long backup operation reports while it runs, for progress bars (CLI) and logs (agent).
 * Progress events are throttled; the last one of an operation has `done: true`.
 */

export type BackupOperation = "create" | "verify" | "restore";

export interface BackupProgress {
  type: "progress";
  operation: BackupOperation;
  /**
   * Bytes consumed: the uncompressed tar stream for create, the stored archive for verify and
   * restore. Rates and totals refer to this counter.
   */
  bytesIn: number;
  /** Bytes produced: the compressed archive for create, the tar stream for verify and restore. */
  bytesOut: number;
  /** Entries archived, checked or extracted so far. */
  files: number;
  /** Expected final `bytesIn`, when known (create with `estimate`, verify and restore). */
  totalBytesIn?: number;
  /** Expected final `files`, when known. */
  totalFiles?: number;
  elapsedMs: number;
  /** Average `bytesIn` per second since the start. */
  bytesPerSecond: number;
  done: boolean;
}

export interface BackupPhase {
  type: "phase";
  operation: BackupOperation;
  phase: "scanning" | "archiving" | "writing-manifest" | "reading" | "checking" | "moving-into-place";
}

export interface BackupWarning {
  type: "warning";
  operation: BackupOperation;
  message: string;
}

export type BackupEvent = BackupProgress | BackupPhase | BackupWarning;
export type BackupEventListener = (event: BackupEvent) => void;

export const DEFAULT_PROGRESS_INTERVAL_MS = 200;

/** Collects counters and hands throttled events to a listener. */
export class ProgressTracker {
  bytesIn = 0;
  bytesOut = 0;
  files = 0;
  totalBytesIn: number | undefined;
  totalFiles: number | undefined;
  readonly warnings: string[] = [];
  private readonly startedAt: number;
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly operation: BackupOperation,
    private readonly listener: BackupEventListener | undefined,
    private readonly now: () => Date,
    private readonly intervalMs = DEFAULT_PROGRESS_INTERVAL_MS,
  ) {
    this.startedAt = now().getTime();
  }

  elapsedMs(): number {
    return Math.max(0, this.now().getTime() - this.startedAt);
  }

  phase(phase: BackupPhase["phase"]): void {
    this.emit({ type: "phase", operation: this.operation, phase });
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.emit({ type: "warning", operation: this.operation, message });
  }

  /** Call after changing counters; emits at most once per interval. */
  tick(): void {
    if (!this.listener) return;
    const at = this.now().getTime();
    if (at - this.lastEmit < this.intervalMs) return;
    this.lastEmit = at;
    this.emit(this.snapshot(false));
  }

  finish(): void {
    this.emit(this.snapshot(true));
  }

  private snapshot(done: boolean): BackupProgress {
    const elapsedMs = this.elapsedMs();
    return {
      type: "progress",
      operation: this.operation,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      files: this.files,
      ...(this.totalBytesIn !== undefined ? { totalBytesIn: this.totalBytesIn } : {}),
      ...(this.totalFiles !== undefined ? { totalFiles: this.totalFiles } : {}),
      elapsedMs,
      bytesPerSecond: elapsedMs > 0 ? Math.round((this.bytesIn * 1000) / elapsedMs) : 0,
      done,
    };
  }

  private emit(event: BackupEvent): void {
    try {
      this.listener?.(event);
    } catch {
      // Progress is advisory: a failing progress bar must not fail the backup it reports on.
    }
  }
}
