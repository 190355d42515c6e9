import type { Store, UnfinishedWrite } from "../storage";
import { type BackupListing, listBackups } from "./catalog";
import { BACKUP_ROOT, hostPrefix, parseBackupKey } from "./naming";
import { applyRetention, describePolicy, type RetentionPolicy } from "./retention";

export interface PruneBackupsOptions {
  store: Store;
  policy: RetentionPolicy;
  /** Only this host (default: every host in the store). */
  host?: string;
  /** Only this label (default: every label). */
  label?: string;
  /** List what would go without deleting anything. */
  dryRun?: boolean;
  /** Incomplete leftovers younger than this are left alone: their upload may still be finishing. */
  incompleteGraceMs?: number;
  now?: () => Date;
}

export interface PrunedBackup {
  host: string;
  label: string;
  id: string;
  time: string;
  /** Archive and manifest keys, in the order they are deleted. */
  keys: string[];
  /** An archive write whose process was killed (LocalStore's hidden temp file): removed as such. */
  unfinishedWrite?: UnfinishedWrite;
}

export interface PruneGroup {
  host: string;
  label: string;
  keep: Array<PrunedBackup & { reasons: string[] }>;
  remove: PrunedBackup[];
}

export interface PruneResult {
  dryRun: boolean;
  policy: string;
  groups: PruneGroup[];
  /**
   * Archives without manifest (or the reverse), and archive writes a killed run never finished,
   * past the grace period: removed, or listed in a dry run.
   */
  incomplete: PrunedBackup[];
  /** Keys actually deleted (empty in a dry run). */
  deleted: string[];
}

export const DEFAULT_INCOMPLETE_GRACE_MS = 24 * 60 * 60 * 1000;

function describe(b: BackupListing): PrunedBackup {
  // Manifest first: the moment it is gone the backup no longer counts, even if deleting the archive fails.
  const keys = [b.manifestKey, b.archive?.key].filter((k): k is string => k !== undefined);
  return { host: b.host, label: b.label, id: b.id, time: b.time.toISOString(), keys };
}

/**
 * Applies a retention policy to each host and label separately (restic's grouping by host and paths),
 * deleting archive and manifest together. The newest complete backup of a group is never deleted.
 */
export async function pruneBackups(options: PruneBackupsOptions): Promise<PruneResult> {
  const now = (options.now ?? (() => new Date()))();
  const grace = options.incompleteGraceMs ?? DEFAULT_INCOMPLETE_GRACE_MS;
  const listed = (
    await listBackups(options.store, options.host === undefined ? {} : { host: options.host })
  ).filter((b) => options.label === undefined || b.label === options.label);

  const groups = new Map<string, BackupListing[]>();
  const incomplete: PrunedBackup[] = [];
  for (const backup of listed) {
    if (!backup.complete) {
      const age = now.getTime() - (backup.archive?.lastModified ?? backup.time).getTime();
      if (age > grace) incomplete.push(describe(backup));
      continue;
    }
    const key = `${backup.host}/${backup.label}`;
    groups.set(key, [...(groups.get(key) ?? []), backup]);
  }
  for (const write of await unfinishedArchives(options)) {
    if (now.getTime() - write.unfinishedWrite.lastModified.getTime() > grace) incomplete.push(write);
  }

  const result: PruneResult = {
    dryRun: options.dryRun === true,
    policy: describePolicy(options.policy),
    groups: [],
    incomplete,
    deleted: [],
  };
  for (const backups of groups.values()) {
    const first = backups[0] as BackupListing;
    const decision = applyRetention(backups, options.policy);
    const newest = decision.keep[0]?.item;
    if (!newest || backups.some((b) => b.time > newest.time)) {
      throw new Error(`retention for ${first.host}/${first.label} would delete the newest backup; refusing`);
    }
    result.groups.push({
      host: first.host,
      label: first.label,
      keep: decision.keep.map((k) => ({ ...describe(k.item), reasons: k.reasons })),
      remove: decision.remove.map(describe),
    });
  }

  result.groups.sort((a, b) => a.host.localeCompare(b.host) || a.label.localeCompare(b.label));

  if (!result.dryRun) {
    const doomed = [...result.groups.flatMap((g) => g.remove), ...incomplete];
    for (const backup of doomed) {
      if (backup.unfinishedWrite) await options.store.removeUnfinishedWrite?.(backup.unfinishedWrite);
      for (const key of backup.keys) {
        await options.store.delete(key);
        result.deleted.push(key);
      }
    }
  }
  return result;
}

/**
 * Archive writes under the host's (or every host's) backups that a killed run left behind. Stores
 * that cannot list them (S3, whose bucket lifecycle rule aborts old multipart uploads) have none.
 */
async function unfinishedArchives(
  options: PruneBackupsOptions,
): Promise<Array<PrunedBackup & { unfinishedWrite: UnfinishedWrite }>> {
  const { store } = options;
  if (!store.listUnfinishedWrites) return [];
  const found: Array<PrunedBackup & { unfinishedWrite: UnfinishedWrite }> = [];
  const prefix = options.host === undefined ? BACKUP_ROOT : hostPrefix(options.host);
  for await (const write of store.listUnfinishedWrites(prefix)) {
    const parsed = parseBackupKey(write.key);
    if (parsed?.kind !== "archive") continue;
    if (options.label !== undefined && parsed.name.label !== options.label) continue;
    const { host, label, id, time } = parsed.name;
    found.push({ host, label, id, time: time.toISOString(), keys: [], unfinishedWrite: write });
  }
  return found;
}
