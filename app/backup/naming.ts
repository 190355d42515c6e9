/**
 * Where backups live in a Store and how their names are built and read back.
 *
 *   backups/<host>/<YYYYMMDDTHHMMSSZ>-<label>.tar.gz          the archive (.tar.zst for zstd)
 *   backups/<host>/<YYYYMMDDTHHMMSSZ>-<label>.manifest.json   written after the archive completes
 *
 * The timestamp is UTC in ISO 8601 basic format, so keys sort by time and need no escaping.
 */

export const BACKUP_ROOT = "backups/";

export type ArchiveFormat = "gzip" | "zstd";

export const ARCHIVE_EXTENSIONS: Record<ArchiveFormat, string> = { gzip: ".tar.gz", zstd: ".tar.zst" };
export const MANIFEST_SUFFIX = ".manifest.json";

const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** No dots, so `<id>.tar.gz` splits back into id and extension without ambiguity. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** A host or label that cannot be part of a backup name; `field` names the offending input. */
export class BackupNameError extends Error {
  override readonly name = "BackupNameError";
  constructor(
    readonly field: "host" | "label" | "id" | "key",
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export function hostProblem(host: string): string | undefined {
  if (!HOST.test(host)) {
    return `${JSON.stringify(host)} must be 1-63 characters of letters, digits, '.', '_' or '-', starting with a letter or digit`;
  }
  return undefined;
}

export function labelProblem(label: string): string | undefined {
  if (!LABEL.test(label)) {
    return `${JSON.stringify(label)} must be 1-64 characters of letters, digits, '_' or '-', starting with a letter or digit`;
  }
  return undefined;
}

export function assertHost(host: string): void {
  const problem = hostProblem(host);
  if (problem) throw new BackupNameError("host", problem);
}

export function assertLabel(label: string): void {
  const problem = labelProblem(label);
  if (problem) throw new BackupNameError("label", problem);
}

/** `2026-11-21T05:11:44.123Z` → `20261121T051144Z` (sub-second precision is dropped). */
export function formatStamp(time: Date): string {
  return time
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

export function parseStamp(stamp: string): Date | undefined {
  const m = STAMP.exec(stamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const time = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject 20261340T… and friends: Date.UTC would silently roll them over.
  return formatStamp(time) === stamp ? time : undefined;
}

/** Identifies one backup of one host: its start time and label. */
export interface BackupName {
  host: string;
  /** `<stamp>-<label>`, unique per host. */
  id: string;
  label: string;
  /** When the backup started (UTC, whole seconds). */
  time: Date;
}

export function backupName(host: string, label: string, time: Date): BackupName {
  assertHost(host);
  assertLabel(label);
  const stamp = formatStamp(time);
  return { host, label, id: `${stamp}-${label}`, time: parseStamp(stamp) as Date };
}

export function parseBackupId(host: string, id: string): BackupName | undefined {
  const dash = id.indexOf("-");
  if (dash === -1) return undefined;
  const time = parseStamp(id.slice(0, dash));
  const label = id.slice(dash + 1);
  if (!time || labelProblem(label) || hostProblem(host)) return undefined;
  return { host, id, label, time };
}

export function hostPrefix(host: string): string {
  assertHost(host);
  return `${BACKUP_ROOT}${host}/`;
}

export function archiveKey(name: Pick<BackupName, "host" | "id">, format: ArchiveFormat): string {
  return `${hostPrefix(name.host)}${name.id}${ARCHIVE_EXTENSIONS[format]}`;
}

export function manifestKey(name: Pick<BackupName, "host" | "id">): string {
  return `${hostPrefix(name.host)}${name.id}${MANIFEST_SUFFIX}`;
}

/** What a key under `backups/` is: an archive, a manifest, or something else (ignored). */
export type ParsedBackupKey =
  | { kind: "archive"; name: BackupName; format: ArchiveFormat }
  | { kind: "manifest"; name: BackupName };

export function parseBackupKey(key: string): ParsedBackupKey | undefined {
  if (!key.startsWith(BACKUP_ROOT)) return undefined;
  const rest = key.slice(BACKUP_ROOT.length);
  const slash = rest.indexOf("/");
  if (slash === -1 || rest.indexOf("/", slash + 1) !== -1) return undefined;
  const host = rest.slice(0, slash);
  const file = rest.slice(slash + 1);
  if (file.endsWith(MANIFEST_SUFFIX)) {
    const name = parseBackupId(host, file.slice(0, -MANIFEST_SUFFIX.length));
    return name ? { kind: "manifest", name } : undefined;
  }
  for (const [format, ext] of Object.entries(ARCHIVE_EXTENSIONS) as [ArchiveFormat, string][]) {
    if (file.endsWith(ext)) {
      const name = parseBackupId(host, file.slice(0, -ext.length));
      return name ? { kind: "archive", name, format } : undefined;
    }
  }
  return undefined;
}

/**
 * Accepts what a user types to name a backup: an archive key, a manifest key, or `<host>/<id>`.
 * Returns the host and id, or throws naming the input.
 */
export function parseBackupRef(ref: string): Pick<BackupName, "host" | "id"> {
  const parsed = parseBackupKey(ref);
  if (parsed) return parsed.name;
  const [host, id, ...more] = ref.split("/");
  if (host && id && more.length === 0 && parseBackupId(host, id)) return { host, id };
  throw new BackupNameError(
    "key",
    `${JSON.stringify(ref)} is not a backup: expected backups/<host>/<stamp>-<label>.tar.gz or <host>/<stamp>-<label>`,
  );
}
