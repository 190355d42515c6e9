import type { Store } from "../storage";
import { BackupNotFoundError } from "./errors";
import { type BackupManifest, parseManifest } from "./manifest";
import {
  type ArchiveFormat,
  BACKUP_ROOT,
  type BackupName,
  hostPrefix,
  manifestKey,
  parseBackupKey,
  parseBackupRef,
} from "./naming";

/** One backup as the store lists it. Only `complete` ones (archive + manifest) are backups proper. */
export interface BackupListing extends BackupName {
  archive?: { key: string; format: ArchiveFormat; size: number; lastModified: Date };
  manifestKey?: string;
  /** Archive and manifest are both present. */
  complete: boolean;
}

/**
 * Lists backups from key names alone (no manifest reads), oldest first per host.
 * Incomplete ones — an archive whose manifest never arrived, or a manifest whose archive is gone —
 * are listed with `complete: false` so they can be shown and pruned, never restored.
 */
export async function listBackups(store: Store, options: { host?: string } = {}): Promise<BackupListing[]> {
  const prefix = options.host === undefined ? BACKUP_ROOT : hostPrefix(options.host);
  const byId = new Map<string, BackupListing>();
  for await (const object of store.list(prefix)) {
    const parsed = parseBackupKey(object.key);
    if (!parsed) continue;
    const id = `${parsed.name.host}/${parsed.name.id}`;
    const listing = byId.get(id) ?? { ...parsed.name, complete: false };
    if (parsed.kind === "archive") {
      listing.archive = {
        key: object.key,
        format: parsed.format,
        size: object.size,
        lastModified: object.lastModified,
      };
    } else {
      listing.manifestKey = object.key;
    }
    listing.complete = listing.archive !== undefined && listing.manifestKey !== undefined;
    byId.set(id, listing);
  }
  return [...byId.values()].sort((a, b) =>
    a.host === b.host
      ? a.time.getTime() - b.time.getTime() || a.id.localeCompare(b.id)
      : a.host.localeCompare(b.host),
  );
}

/**
 * Reads the manifest of a backup named by key or `<host>/<id>`.
 * Throws BackupNotFoundError when there is none (the backup does not exist or is incomplete).
 */
export async function readManifest(store: Store, ref: string): Promise<BackupManifest> {
  const name = parseBackupRef(ref);
  const key = manifestKey(name);
  const body = await store.get(key);
  if (!body) {
    const leftovers = await listBackups(store, { host: name.host });
    const archive = leftovers.find((b) => b.id === name.id)?.archive;
    throw new BackupNotFoundError(
      ref,
      archive
        ? `incomplete: ${archive.key} has no manifest, so it never finished and cannot be trusted`
        : `no such backup in ${store.location}`,
    );
  }
  return parseManifest(body, key);
}
