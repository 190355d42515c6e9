import { Parser, type ReadEntry } from "tar";
import type { Store } from "../storage";
import { feedParser, type OpenedArchive, openArchive } from "./archive-reader";
import { readManifest } from "./catalog";
import type { CompressorPrograms } from "./compressors";
import { entryKind, normaliseEntryPath } from "./entry-safety";
import { describeError } from "./errors";
import type { BackupManifest, ManifestEntry } from "./manifest";
import { parseBackupRef } from "./naming";
import { type BackupEventListener, ProgressTracker } from "./progress";
import { recordVerify } from "./state";

export interface VerifyBackupOptions {
  store: Store;
  /** An archive key, a manifest key, or `<host>/<id>`. */
  backup: string;
  programs?: CompressorPrograms;
  signal?: AbortSignal;
  onEvent?: BackupEventListener;
  now?: () => Date;
  /** Record last-verify under hosts/<host>.backup-* (default true). */
  recordState?: boolean;
  progressIntervalMs?: number;
}

/** What `verify` found. A failed verification is data, not an exception. */
export interface VerifyResult {
  ok: boolean;
  host: string;
  id: string;
  label?: string;
  key?: string;
  checkedAt: string;
  durationMs: number;
  expected?: { size: number; sha256: string; entries: number };
  actual: { size?: number; sha256?: string; entries?: number };
  /** Everything that did not match, readable by a person; empty when ok. */
  problems: string[];
}

const MAX_PROBLEMS = 100;

function describeEntry(e: Pick<ManifestEntry, "type" | "size" | "linkpath">): string {
  if (e.type === "file") return `file of ${e.size} bytes`;
  if (e.linkpath !== undefined) return `${e.type} → ${e.linkpath}`;
  return e.type;
}

/** Compares what the archive holds with what the manifest promised. */
export function compareEntries(
  expected: readonly ManifestEntry[],
  actual: readonly ManifestEntry[],
): string[] {
  const problems: string[] = [];
  const want = new Map(expected.map((e) => [e.path, e]));
  for (const got of actual) {
    const wanted = want.get(got.path);
    if (!wanted) {
      problems.push(`${got.path || "./"}: in the archive but not in the manifest`);
      continue;
    }
    want.delete(got.path);
    if (
      wanted.type !== got.type ||
      wanted.size !== got.size ||
      (wanted.linkpath ?? "") !== (got.linkpath ?? "")
    ) {
      problems.push(`${got.path}: manifest has ${describeEntry(wanted)}, archive has ${describeEntry(got)}`);
    }
  }
  for (const missing of want.values())
    problems.push(`${missing.path}: in the manifest but missing from the archive`);
  return problems;
}

function toEntry(entry: ReadEntry): ManifestEntry {
  const kind = entryKind(entry.type);
  const type = kind === "other" ? "file" : kind;
  const path = normaliseEntryPath(entry.path);
  if (kind === "symlink" || kind === "hardlink") {
    const linkpath = kind === "hardlink" ? normaliseEntryPath(entry.linkpath ?? "") : (entry.linkpath ?? "");
    return { path, type, size: 0, linkpath };
  }
  return { path, type, size: kind === "file" ? entry.size : 0 };
}

/**
 * Re-reads a backup and checks it end to end: the manifest parses, the stored object has the recorded
 * size and SHA-256, it decompresses, every tar header is valid, and the entries (paths, types, sizes,
 * link targets) are exactly those in the manifest. Records the outcome (state.ts).
 */
export async function verifyBackup(options: VerifyBackupOptions): Promise<VerifyResult> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const name = parseBackupRef(options.backup);
  const tracker = new ProgressTracker("verify", options.onEvent, now, options.progressIntervalMs);
  const problems: string[] = [];
  const actual: VerifyResult["actual"] = {};
  let manifest: BackupManifest | undefined;
  try {
    manifest = await readManifest(options.store, options.backup);
  } catch (error) {
    problems.push(describeError(error));
  }

  if (manifest) {
    tracker.totalBytesIn = manifest.archive.size;
    tracker.totalFiles = manifest.entries.length;
    const info = await options.store.head(manifest.archive.key);
    if (!info) {
      problems.push(`${manifest.archive.key}: the archive is missing`);
    } else {
      actual.size = info.size;
      if (info.size !== manifest.archive.size) {
        problems.push(
          `${manifest.archive.key}: manifest says ${manifest.archive.size} bytes, the store has ${info.size}`,
        );
      }
      if (info.metadata.sha256 !== undefined && info.metadata.sha256 !== manifest.archive.sha256) {
        problems.push(
          `${manifest.archive.key}: the checksum stored with the object differs from the manifest's`,
        );
      }
      tracker.phase("reading");
      const found: ManifestEntry[] = [];
      const tarProblems: string[] = [];
      let opened: OpenedArchive | undefined;
      try {
        opened = await openArchive(options.store, manifest.archive.key, manifest.archive.format, {
          programs: options.programs,
          signal: options.signal,
          onBytes: (n) => {
            tracker.bytesIn = n;
            tracker.tick();
          },
        });
        const parser = new Parser({
          onwarn: (code, message) => tarProblems.push(`tar ${code}: ${message}`),
        });
        parser.on("entry", (entry: ReadEntry) => {
          found.push(toEntry(entry));
          tracker.files++;
          tracker.bytesOut += entry.size;
          entry.resume();
        });
        await feedParser(opened.tar, parser);
        problems.push(...tarProblems, ...compareEntries(manifest.entries, found));
      } catch (error) {
        problems.push(...tarProblems, `the archive is not readable: ${describeError(error)}`);
        await opened?.drain();
      }
      actual.entries = found.length;
      if (opened?.digest.sha256 !== undefined) {
        const { digest } = opened;
        actual.sha256 = digest.sha256;
        if (digest.bytes !== info.size)
          problems.push(`read ${digest.bytes} bytes of a ${info.size}-byte archive`);
        if (digest.sha256 !== manifest.archive.sha256) {
          problems.unshift(`SHA-256 mismatch: manifest ${manifest.archive.sha256}, archive ${digest.sha256}`);
        }
      }
    }
  }

  const checked = now();
  const result: VerifyResult = {
    ok: problems.length === 0,
    host: name.host,
    id: name.id,
    ...(manifest ? { label: manifest.label, key: manifest.archive.key } : {}),
    checkedAt: checked.toISOString(),
    durationMs: Math.max(0, checked.getTime() - started.getTime()),
    ...(manifest
      ? {
          expected: {
            size: manifest.archive.size,
            sha256: manifest.archive.sha256,
            entries: manifest.entries.length,
          },
        }
      : {}),
    actual,
    problems:
      problems.length > MAX_PROBLEMS
        ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`]
        : problems,
  };
  tracker.finish();
  if (manifest && options.recordState !== false) {
    await recordVerify(
      options.store,
      {
        host: name.host,
        label: manifest.label,
        id: name.id,
        key: manifest.archive.key,
        checkedAt: result.checkedAt,
        ok: result.ok,
        problems: result.problems.slice(0, 20),
      },
      checked,
    ).catch((error) => tracker.warn(`verification state was not recorded: ${describeError(error)}`));
  }
  return result;
}
