import * as fs from "node:fs/promises";
import * as path from "node:path";
import { type ReadEntry, Unpack } from "tar";
import type { Store } from "../storage";
import { feedParser, openArchive } from "./archive-reader";
import { readManifest } from "./catalog";
import type { CompressorPrograms } from "./compressors";
import { EntrySafety, entryKind, normaliseEntryPath } from "./entry-safety";
import { describeError, RestoreError } from "./errors";
import type { BackupManifest } from "./manifest";
import { type BackupEventListener, ProgressTracker } from "./progress";
import { applyMoves, findEscapingSymlinks, planMoves } from "./restore-fs";

export interface RestoreBackupOptions {
  store: Store;
  /** An archive key, a manifest key, or `<host>/<id>`. */
  backup: string;
  /** Folder to restore into; created when missing. Archive paths land below it (`etc/hosts`). */
  target: string;
  /** Archive paths to restore (a folder brings everything under it); default: everything. */
  paths?: readonly string[];
  /** Replace files that already exist in the target. */
  force?: boolean;
  programs?: CompressorPrograms;
  signal?: AbortSignal;
  onEvent?: BackupEventListener;
  now?: () => Date;
  progressIntervalMs?: number;
}

export interface RestoreResult {
  host: string;
  id: string;
  target: string;
  /** Entries extracted (files, folders, links). */
  entries: number;
  /** File bytes extracted. */
  bytes: number;
  /** Existing files replaced (only with force). */
  replaced: number;
  durationMs: number;
}

/** Where the staging folder goes: hidden, inside the target, so the final renames stay on one file system. */
const STAGING_PREFIX = ".opsdeck-restore-";

/** `/etc/nginx/` → `etc/nginx`; refuses what could never be an archive path. */
function normaliseSelection(paths: readonly string[], manifest: BackupManifest): string[] {
  const problems: string[] = [];
  const selected = paths.map((raw, i) => {
    const p = normaliseEntryPath(raw.replace(/^\/+/, ""));
    if (p === "" || p.split("/").includes(".."))
      problems.push(`paths[${i}]: ${JSON.stringify(raw)} is not an archive path`);
    else if (!manifest.entries.some((e) => e.path === p || e.path.startsWith(`${p}/`))) {
      problems.push(`paths[${i}]: ${p} is not in backup ${manifest.host}/${manifest.id}`);
    }
    return p;
  });
  if (problems.length > 0) throw new RestoreError("refused", "nothing was restored:", problems);
  return selected;
}

/**
 * Restores a backup (or selected paths of it) into `target`.
 *
 * Safety: the archive is checked against its manifest's SHA-256 while it is extracted into a hidden
 * staging folder inside the target; hostile entries (absolute paths, `..`, links leading outside,
 * paths through links), a checksum mismatch or any extraction error abort the restore with the
 * target untouched. Only then are the staged files renamed into place — existing files only with
 * `force`, never through a symlink already in the target. The staging folder is always removed.
 */
export async function restoreBackup(options: RestoreBackupOptions): Promise<RestoreResult> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const tracker = new ProgressTracker("restore", options.onEvent, now, options.progressIntervalMs);
  const manifest = await readManifest(options.store, options.backup);
  const selected =
    options.paths && options.paths.length > 0 ? normaliseSelection(options.paths, manifest) : undefined;
  const isSelected = (p: string) => !selected || selected.some((s) => p === s || p.startsWith(`${s}/`));

  const target = path.resolve(options.target);
  await fs.mkdir(target, { recursive: true });
  const realTarget = await fs.realpath(target);
  const staging = await fs.mkdtemp(path.join(realTarget, STAGING_PREFIX));
  tracker.totalBytesIn = manifest.archive.size;

  try {
    tracker.phase("reading");
    const refused: string[] = [];
    const failures: string[] = [];
    const safety = new EntrySafety();
    let bytes = 0;
    const { tar, digest } = await openArchive(options.store, manifest.archive.key, manifest.archive.format, {
      programs: options.programs,
      signal: options.signal,
      onBytes: (n) => {
        tracker.bytesIn = n;
        tracker.tick();
      },
    });
    const unpack = new Unpack({
      cwd: staging,
      filter: (_p, raw) => {
        const entry = raw as ReadEntry;
        const problem = safety.check(entry);
        if (problem) {
          refused.push(`${entry.path}: ${problem}`);
          return false;
        }
        const p = normaliseEntryPath(entry.path);
        if (!isSelected(p)) return false;
        if (entryKind(entry.type) === "hardlink" && !isSelected(normaliseEntryPath(entry.linkpath ?? ""))) {
          failures.push(`${p}: hardlink to ${entry.linkpath}, which is not selected; select it too`);
          return false;
        }
        tracker.files++;
        if (entryKind(entry.type) === "file") bytes += entry.size;
        tracker.bytesOut = bytes;
        return true;
      },
      onwarn: (code, message) => failures.push(`tar ${code}: ${message}`),
    });
    try {
      await feedParser(tar, unpack);
    } catch (error) {
      throw new RestoreError("failed", `cannot read ${manifest.archive.key}: ${describeError(error)}`, [], {
        cause: error,
      });
    }
    if (digest.sha256 !== manifest.archive.sha256 || digest.bytes !== manifest.archive.size) {
      throw new RestoreError(
        "corrupt",
        `${manifest.archive.key} does not match its manifest (SHA-256 ${digest.sha256}, ${digest.bytes} bytes; ` +
          `expected ${manifest.archive.sha256}, ${manifest.archive.size} bytes); nothing was restored`,
      );
    }
    if (refused.length > 0) {
      throw new RestoreError("refused", "the archive has unsafe entries; nothing was restored:", refused);
    }
    if (failures.length > 0)
      throw new RestoreError("failed", "extraction failed; nothing was restored:", failures);
    const escaping = await findEscapingSymlinks(staging);
    if (escaping.length > 0) {
      throw new RestoreError(
        "refused",
        "symlinks in the archive resolve outside the target; nothing was restored:",
        escaping.map((p) => `${p}: symlink leads outside the target`),
      );
    }

    tracker.phase("moving-into-place");
    const plan = await planMoves(staging, realTarget, options.force === true);
    const conflicts = [
      ...plan.blocked,
      ...(options.force
        ? []
        : plan.overwrites.map((p) => `${p}: exists in the target (use force to overwrite)`)),
    ];
    if (conflicts.length > 0) throw new RestoreError("conflict", `cannot restore into ${target}:`, conflicts);
    let moved = 0;
    try {
      await applyMoves(plan, () => moved++);
    } catch (error) {
      throw new RestoreError(
        "failed",
        `moving restored files into ${target} failed after ${moved} of ${plan.moves.length} ` +
          `(each moved file is complete): ${describeError(error)}`,
        [],
        { cause: error },
      );
    }

    tracker.finish();
    return {
      host: manifest.host,
      id: manifest.id,
      target,
      entries: tracker.files,
      bytes,
      replaced: plan.moves.filter((m) => m.replaces).length,
      durationMs: Math.max(0, now().getTime() - started.getTime()),
    };
  } finally {
    await fs.rm(staging, { recursive: true, force: true, maxRetries: 3 });
  }
}
