import type { Stats } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { PathFilter } from "./selection";
import { classify } from "./tar-walk";

/** A folder (or file) to back up, with the path it gets inside the archive. */
export interface ArchiveSource {
  /** Absolute path on this machine. */
  absolute: string;
  /** The absolute path without its leading `/`: `/var/www` is archived as `var/www/…`. */
  archivePath: string;
}

/** A source that cannot be archived; `field` is `sources[1]` style. */
export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/**
 * Resolves and checks the sources before anything is written: each must exist, be a folder or a
 * regular file (not a symlink, which would archive only the link), and not lie inside another.
 */
export async function resolveSources(sources: readonly string[], cwd: string): Promise<ArchiveSource[]> {
  if (sources.length === 0) throw new SourceError("sources", "at least one folder to back up is required");
  const resolved: ArchiveSource[] = [];
  for (const [i, given] of sources.entries()) {
    const field = `sources[${i}]`;
    const absolute = path.resolve(cwd, given);
    if (absolute === path.parse(absolute).root) {
      throw new SourceError(field, `${given} is the file-system root; list the folders under it instead`);
    }
    let stat: Stats;
    try {
      stat = await fs.lstat(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (error as Error).message})`;
      throw new SourceError(field, `${absolute} ${why}`, { cause: error });
    }
    if (stat.isSymbolicLink()) {
      const real = await fs.realpath(absolute).catch(() => undefined);
      throw new SourceError(
        field,
        `${absolute} is a symlink; give the path it points to${real ? ` (${real})` : ""}`,
      );
    }
    if (!stat.isDirectory() && !stat.isFile())
      throw new SourceError(field, `${absolute} is not a folder or file`);
    resolved.push({ absolute, archivePath: path.relative("/", absolute).split(path.sep).join("/") });
  }
  for (const [i, a] of resolved.entries()) {
    for (const [j, b] of resolved.entries()) {
      if (
        i !== j &&
        (b.absolute === a.absolute ? i < j : b.absolute.startsWith(`${a.absolute}${path.sep}`))
      ) {
        throw new SourceError(
          `sources[${j}]`,
          `${b.absolute} is already inside sources[${i}] (${a.absolute})`,
        );
      }
    }
  }
  return resolved;
}

const KINDS = new Set(["file", "directory", "symlink"]);

export interface SourceEstimate {
  entries: number;
  files: number;
  bytes: number;
  /** The expected tar stream size: 512-byte headers plus file bodies padded to 512 bytes. */
  tarBytes: number;
}

/** Walks the sources with the same filter the archive uses, for a progress total. */
export async function estimateSources(
  sources: readonly ArchiveSource[],
  filter: PathFilter,
): Promise<SourceEstimate> {
  const estimate: SourceEstimate = { entries: 0, files: 0, bytes: 0, tarBytes: 1024 };
  const visit = async (absolute: string, archivePath: string): Promise<void> => {
    const stat = await fs.lstat(absolute).catch(() => undefined);
    if (!stat) return;
    const kind = classify(stat);
    if (!KINDS.has(kind) || !filter(archivePath, kind === "directory")) return;
    estimate.entries++;
    estimate.tarBytes += 512;
    if (kind === "file") {
      estimate.files++;
      estimate.bytes += stat.size;
      estimate.tarBytes += Math.ceil(stat.size / 512) * 512;
    }
    if (kind !== "directory") return;
    const names = await fs.readdir(absolute).catch(() => [] as string[]);
    for (const name of names) await visit(path.join(absolute, name), `${archivePath}/${name}`);
  };
  for (const source of sources) await visit(source.absolute, source.archivePath);
  return estimate;
}
