/** When a log is rotated and which archives are kept. Pure decisions, no I/O. */
export interface RotationTriggers {
  /** Rotate once the file reaches this size. */
  maxBytes?: number | undefined;
  /** Rotate once this long has passed since the last rotation (or since the file was created). */
  maxAgeMs?: number | undefined;
}

export interface RetentionRule {
  /** Keep at most this many archives (newest first). */
  keep?: number | undefined;
  /** Delete archives older than this. */
  maxArchiveAgeMs?: number | undefined;
}

export interface RotationDecision {
  rotate: boolean;
  reason: string;
}

export interface LogFileFacts {
  size: number;
  /** Time of the newest archive, else the file's creation time; NaN when neither is known. */
  lastRotationMs: number;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function duration(ms: number): string {
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(1)} d`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Whether a log is due: size first, then age. An empty file is never rotated (logrotate's
 * `notifempty`): an archive of nothing only pushes a real one out of retention.
 */
export function decideRotation(
  facts: LogFileFacts,
  triggers: RotationTriggers,
  now: number,
): RotationDecision {
  if (facts.size === 0) return { rotate: false, reason: "empty" };
  if (triggers.maxBytes !== undefined && facts.size >= triggers.maxBytes) {
    return { rotate: true, reason: `size ${mib(facts.size)} ≥ ${mib(triggers.maxBytes)}` };
  }
  if (triggers.maxAgeMs !== undefined) {
    if (Number.isNaN(facts.lastRotationMs)) {
      return { rotate: false, reason: "age unknown (no archive yet and no creation time)" };
    }
    const age = now - facts.lastRotationMs;
    if (age >= triggers.maxAgeMs) {
      return { rotate: true, reason: `age ${duration(age)} ≥ ${duration(triggers.maxAgeMs)}` };
    }
  }
  return { rotate: false, reason: "not due" };
}

/** `20260307T140322Z`: sortable, unambiguous, safe in file names. */
export function archiveStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface ArchiveName {
  name: string;
  /** Rotation time encoded in the name. */
  timeMs: number;
  /** Second rotation within the same second: `.20260307T140322Z-1`. */
  sequence: number;
  compressed: boolean;
}

/** Reads an archive name of `base` (`app.log.20260307T140322Z[-1][.gz]`), or null for other files. */
export function parseArchiveName(base: string, name: string): ArchiveName | null {
  const match = new RegExp(`^${escapeRegExp(base)}\\.(\\d{8}T\\d{6}Z)(?:-(\\d+))?(\\.gz)?$`).exec(name);
  if (!match) return null;
  const stamp = match[1] as string;
  const timeMs = Date.UTC(
    Number(stamp.slice(0, 4)),
    Number(stamp.slice(4, 6)) - 1,
    Number(stamp.slice(6, 8)),
    Number(stamp.slice(9, 11)),
    Number(stamp.slice(11, 13)),
    Number(stamp.slice(13, 15)),
  );
  return { name, timeMs, sequence: match[2] ? Number(match[2]) : 0, compressed: match[3] !== undefined };
}

/** A free archive name for a rotation at `now` (without `.gz`), given the names already present. */
export function archiveBaseName(base: string, now: number, existing: ReadonlySet<string>): string {
  const stem = `${base}.${archiveStamp(now)}`;
  for (let sequence = 0; ; sequence++) {
    const candidate = sequence === 0 ? stem : `${stem}-${sequence}`;
    if (!existing.has(candidate) && !existing.has(`${candidate}.gz`)) return candidate;
  }
}

/** Newest first: by time, then by sequence within the same second. */
export function newestFirst(a: ArchiveName, b: ArchiveName): number {
  return b.timeMs - a.timeMs || b.sequence - a.sequence;
}

/**
 * The archives retention removes: everything past the newest `keep`, and everything older than
 * `maxArchiveAgeMs`. With no rule, nothing is removed.
 */
export function selectExpired(
  archives: readonly ArchiveName[],
  rule: RetentionRule,
  now: number,
): ArchiveName[] {
  const sorted = [...archives].sort(newestFirst);
  return sorted.filter((archive, index) => {
    if (rule.keep !== undefined && index >= rule.keep) return true;
    return rule.maxArchiveAgeMs !== undefined && now - archive.timeMs > rule.maxArchiveAgeMs;
  });
}
