import type { Store } from "../storage";
import { estimateSources, resolveSources } from "./archive";
import { storeArchive } from "./archive-output";
import { type CompressorPrograms, type CompressorRequest, selectCompressor } from "./compressors";
import { ManifestEntryLog } from "./entry-log";
import { BackupError, type BackupFailure, describeError } from "./errors";
import { type BackupManifest, MANIFEST_FORMAT } from "./manifest";
import { archiveKey, backupName, manifestKey } from "./naming";
import { type BackupEventListener, ProgressTracker } from "./progress";
import { createPathFilter } from "./selection";
import { recordFailure, recordSuccess } from "./state";
import { writeArchive } from "./tar-writer";
import { defaultBackupHost, OPSDECK_VERSION } from "./version";

export interface CreateBackupOptions {
  store: Store;
  /** Folders (or files) to archive; relative paths resolve against `cwd`. */
  sources: readonly string[];
  /** Names the job: part of the archive name and the retention group. Default "backup". */
  label?: string;
  /** Default: the OS host name, lower-cased. */
  host?: string;
  include?: readonly string[];
  exclude?: readonly string[];
  /** Default: built-in gzip at level 6. */
  compressor?: CompressorRequest;
  /** Where to find pigz / zstd (default: on PATH). */
  programs?: CompressorPrograms;
  /** Walk the sources first so progress events carry totals (costs one extra directory walk). */
  estimate?: boolean;
  /** Aborting stops the backup; nothing is left that looks complete. */
  signal?: AbortSignal;
  onEvent?: BackupEventListener;
  now?: () => Date;
  cwd?: string;
  /** Record last-success / last-failure under hosts/<host>.backup-* (default true). */
  recordState?: boolean;
  /** The job's staleness threshold, kept in the last-success record (runBackupJob sets it). */
  staleAfterMs?: number;
  progressIntervalMs?: number;
}

/** A completed backup. */
export interface BackupRecord {
  ok: true;
  host: string;
  label: string;
  id: string;
  key: string;
  manifestKey: string;
  format: BackupManifest["archive"]["format"];
  compressor: BackupManifest["archive"]["compressor"] & { requested: string };
  startedAt: string;
  completedAt: string;
  durationMs: number;
  /** Stored (compressed) bytes. */
  size: number;
  sha256: string;
  files: number;
  /** Uncompressed file bytes. */
  bytes: number;
  tarBytes: number;
  /** Uncompressed tar bytes per second over the whole run. */
  bytesPerSecond: number;
  /** Compressor fallbacks, skipped sockets/pipes, tar warnings. */
  warnings: string[];
}

/**
 * Streams the sources into one compressed tar in the store — no temp file — while computing its
 * SHA-256, then writes the manifest. Only the manifest makes a backup complete: if anything fails,
 * the upload is aborted (or the partial object removed), the failure is recorded (state.ts) and a
 * BackupError carrying a BackupFailure record is thrown.
 */
export async function createBackup(options: CreateBackupOptions): Promise<BackupRecord> {
  const now = options.now ?? (() => new Date());
  const tracker = new ProgressTracker("create", options.onEvent, now, options.progressIntervalMs);
  const startedAt = now();
  const host = options.host ?? defaultBackupHost();
  const label = options.label ?? "backup";
  const store = options.store;
  let phase = "preparing";
  let id: string | undefined;
  let key: string | undefined;
  let archiveMayExist = false;
  let openEntryLog: ManifestEntryLog | undefined; // closed (its spool file released) in `finally`

  try {
    const name = backupName(host, label, startedAt);
    id = name.id;
    const filter = createPathFilter({ include: options.include ?? [], exclude: options.exclude ?? [] });
    const sources = await resolveSources(options.sources, options.cwd ?? process.cwd());
    const selection = await selectCompressor(options.compressor ?? { name: "gzip" }, options.programs);
    if (selection.fallback) tracker.warn(selection.fallback);
    const { compressor } = selection;
    key = archiveKey(name, compressor.format);
    const metaKey = manifestKey(name);
    if ((await store.head(key)) || (await store.head(metaKey))) {
      throw new Error(
        `a backup named ${name.id} already exists for ${host}; use another label or wait a second`,
      );
    }

    if (options.estimate) {
      tracker.phase("scanning");
      const estimate = await estimateSources(sources, filter);
      tracker.totalBytesIn = estimate.tarBytes;
      tracker.totalFiles = estimate.entries;
    }

    phase = "archiving";
    tracker.phase("archiving");
    const entryLog = new ManifestEntryLog();
    openEntryLog = entryLog;
    let tarBytes = 0;
    archiveMayExist = true;
    const { stored, sha256, bytes } = await storeArchive(
      store,
      key,
      compressor,
      (sink, signal) =>
        writeArchive(sources, sink, {
          filter,
          signal,
          onEntry: (entry) => {
            entryLog.add(entry);
            tracker.files++;
          },
          onSkip: (path, why) => tracker.warn(`skipped ${path}: ${why}`),
          onBytes: (bytes) => {
            tracker.bytesIn = bytes;
            tracker.tick();
          },
        }).then((bytes) => {
          tarBytes = bytes;
        }),
      {
        signal: options.signal,
        metadata: {
          "opsdeck-host": host,
          "opsdeck-label": label,
          "opsdeck-compressor": compressor.name,
        },
        contentType: compressor.format === "gzip" ? "application/gzip" : "application/zstd",
        onBytesOut: (bytes) => {
          tracker.bytesOut = bytes;
        },
      },
    );
    if (stored.size !== bytes) {
      throw new Error(`the store holds ${stored.size} bytes but ${bytes} were written`);
    }
    if (stored.metadata.sha256 === undefined) {
      tracker.warn("the store could not attach the checksum to the archive object; the manifest carries it");
    } else if (stored.metadata.sha256 !== sha256) {
      throw new Error(
        "the checksum stored with the archive does not match the one computed while writing it",
      );
    }

    phase = "writing-manifest";
    tracker.phase("writing-manifest");
    const completedAt = now();
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      host,
      id: name.id,
      label,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      opsdeckVersion: OPSDECK_VERSION,
      archive: {
        key,
        format: compressor.format,
        size: stored.size,
        sha256,
        compressor: { name: compressor.name, level: compressor.level, threads: compressor.threads },
      },
      sources: sources.map((s) => s.absolute),
      include: [...(options.include ?? [])],
      exclude: [...(options.exclude ?? [])],
      totals: { ...entryLog.totals, tarBytes },
      entries: [],
    };
    await writeManifest(store, metaKey, entryLog, manifest);
    archiveMayExist = false;

    const durationMs = Math.max(0, completedAt.getTime() - startedAt.getTime());
    const record: BackupRecord = {
      ok: true,
      host,
      label,
      id: name.id,
      key,
      manifestKey: metaKey,
      format: compressor.format,
      compressor: { ...manifest.archive.compressor, requested: selection.requested },
      startedAt: manifest.startedAt,
      completedAt: manifest.completedAt,
      durationMs,
      size: stored.size,
      sha256,
      files: manifest.totals.files,
      bytes: manifest.totals.bytes,
      tarBytes,
      bytesPerSecond: durationMs > 0 ? Math.round((tarBytes * 1000) / durationMs) : 0,
      warnings: tracker.warnings,
    };
    tracker.finish();
    if (options.recordState !== false) {
      await recordSuccess(
        store,
        {
          host,
          label,
          id: name.id,
          key,
          startedAt: record.startedAt,
          completedAt: record.completedAt,
          durationMs,
          size: record.size,
          sha256,
          files: record.files,
          bytes: record.bytes,
          compressor: compressor.description,
          ...(options.staleAfterMs !== undefined ? { staleAfterMs: options.staleAfterMs } : {}),
        },
        completedAt,
      ).catch((error) =>
        tracker.warn(`the backup is complete but its state was not recorded: ${describeError(error)}`),
      );
    }
    return record;
  } catch (error) {
    // The manifest was never written, so this is not a backup; remove what may be left of the archive.
    if (archiveMayExist && key) await store.delete(key).catch(() => undefined);
    const failedAt = now();
    const failure: BackupFailure = {
      ok: false,
      host,
      label,
      ...(id ? { id } : {}),
      ...(key ? { key } : {}),
      startedAt: startedAt.toISOString(),
      failedAt: failedAt.toISOString(),
      durationMs: Math.max(0, failedAt.getTime() - startedAt.getTime()),
      phase,
      error: options.signal?.aborted
        ? "cancelled before it completed (aborted by the caller)"
        : describeError(error),
    };
    if (options.recordState !== false && id) {
      await recordFailure(
        store,
        {
          host,
          label,
          id,
          startedAt: failure.startedAt,
          failedAt: failure.failedAt,
          phase,
          error: failure.error,
        },
        failedAt,
      ).catch(() => undefined);
    }
    throw new BackupError(failure, { cause: error });
  } finally {
    openEntryLog?.close();
  }
}

/** Writes the manifest with the logged entries: straight into a local store's file, else streamed. */
async function writeManifest(
  store: Store,
  key: string,
  entries: ManifestEntryLog,
  manifest: BackupManifest,
): Promise<void> {
  const options = { contentType: "application/json" };
  if (store.putFromDescriptor) {
    await store.putFromDescriptor(key, async (fd) => entries.writeTo(fd, manifest), options);
  } else {
    await store.putStream(key, entries.serialise(manifest), options);
  }
}
