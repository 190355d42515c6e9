import { parseOrThrow, ValidationError } from "../lib/validation";
import "../lib/zod-messages";
// zod/mini: the archive side imports this module, and classic zod would cost a backup ~12 MiB.
import * as z from "zod/mini";
import { compressorNames } from "./compressor-levels";

/**
 * The manifest beside each archive. It is written only after the archive upload completed, so its
 * presence is what makes a backup complete; it holds what `verify` and `restore` check against.
 * It never contains secrets: only paths, sizes, checksums and settings that are not credentials.
 */
export const MANIFEST_FORMAT = "opsdeck-backup-manifest/1";
// Readers ignore fields they do not know (z.object strips them): a manifest written by a newer
// opsdeck with additive fields must still verify and restore here. Incompatible changes bump FORMAT.

const sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, { error: "expected a lower-case hex SHA-256" }));

export const manifestEntrySchema = z.object({
  /** Archive path without leading `./` or trailing `/` (`etc/nginx/nginx.conf`). */
  path: z.string(),
  type: z.enum(["file", "directory", "symlink", "hardlink"]),
  /** Content bytes (0 for everything but files). */
  size: z.int().check(z.minimum(0)),
  linkpath: z.optional(z.string()),
});

export type ManifestEntry = z.output<typeof manifestEntrySchema>;

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  host: z.string().check(z.minLength(1)),
  id: z.string().check(z.minLength(1)),
  label: z.string().check(z.minLength(1)),
  /** When the backup started; also the timestamp in its name. */
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  opsdeckVersion: z.string().check(z.minLength(1)),
  archive: z.object({
    key: z.string().check(z.minLength(1)),
    format: z.enum(["gzip", "zstd"]),
    /** Stored (compressed) bytes. */
    size: z.int().check(z.minimum(0)),
    sha256: sha256Hex,
    compressor: z.object({
      name: z.enum(compressorNames),
      level: z.int(),
      threads: z.int().check(z.minimum(1)),
    }),
  }),
  /** Absolute source folders as given, after resolving relative paths. */
  sources: z.array(z.string()),
  include: z.array(z.string()),
  exclude: z.array(z.string()),
  totals: z.object({
    files: z.int().check(z.minimum(0)),
    directories: z.int().check(z.minimum(0)),
    symlinks: z.int().check(z.minimum(0)),
    hardlinks: z.int().check(z.minimum(0)),
    /** Sum of file sizes before compression. */
    bytes: z.int().check(z.minimum(0)),
    /** Uncompressed tar stream bytes. */
    tarBytes: z.int().check(z.minimum(0)),
  }),
  entries: z.array(manifestEntrySchema),
});

export type BackupManifest = z.output<typeof manifestSchema>;

export function totalsOf(entries: readonly ManifestEntry[], tarBytes: number): BackupManifest["totals"] {
  const totals = { files: 0, directories: 0, symlinks: 0, hardlinks: 0, bytes: 0, tarBytes };
  for (const entry of entries) {
    if (entry.type === "file") {
      totals.files++;
      totals.bytes += entry.size;
    } else if (entry.type === "directory") totals.directories++;
    else if (entry.type === "symlink") totals.symlinks++;
    else totals.hardlinks++;
  }
  return totals;
}

export function serialiseManifest(manifest: BackupManifest): string {
  return `${JSON.stringify(manifest)}\n`;
}

/** Parses a manifest read from the store; throws ValidationError naming each bad field. */
export function parseManifest(body: Buffer | string, key: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString());
  } catch (error) {
    throw new ValidationError(
      `manifest ${key}`,
      [{ path: "(root)", message: `not JSON: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  return parseOrThrow(manifestSchema, json, `manifest ${key}`);
}
