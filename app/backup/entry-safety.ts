import * as posix from "node:path/posix";

/**
 * Decides whether a tar entry is safe to extract under a target directory. Pure, so every hostile
 * shape (absolute paths, `..`, links pointing out, paths that run through an extracted symlink) has a
 * table test. node-tar has protections of its own; this is the stricter, explicit layer in front:
 * an archive with any refused entry is not restored at all.
 */

export type EntryKind = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarEntryLike {
  /** The path exactly as the archive stores it. */
  path: string;
  /** node-tar's entry type name: File, OldFile, ContiguousFile, Directory, SymbolicLink, Link, … */
  type: string;
  linkpath?: string | undefined;
}

export function entryKind(type: string): EntryKind {
  switch (type) {
    case "File":
    case "OldFile":
    case "ContiguousFile":
      return "file";
    case "Directory":
      return "directory";
    case "SymbolicLink":
      return "symlink";
    case "Link":
      return "hardlink";
    default:
      return "other";
  }
}

function isAbsolute(p: string): boolean {
  // Windows drive letters and UNC paths count too: an archive may have been made anywhere.
  return p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:/.test(p);
}

function hasDotDot(p: string): boolean {
  return p.split(/[/\\]/).includes("..");
}

/** `./a//b/` → `a/b`; the archive root (`./`) becomes "". */
export function normaliseEntryPath(p: string): string {
  const n = posix.normalize(p.replace(/\\/g, "/"));
  const trimmed = n.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  return trimmed === "." ? "" : trimmed;
}

/**
 * Checks entries in archive order. It remembers what it allowed, because later entries are judged
 * against earlier ones: `link/file` would be written through the symlink `link` wherever it points,
 * and a hardlink must name a file the archive already contained.
 *
 * Symlink targets are checked lexically here; a chain of links made only of inside-pointing parts can
 * still resolve outside once extracted, so the restore also resolves every extracted symlink physically.
 */
export class EntrySafety {
  private readonly symlinks = new Set<string>();
  private readonly files = new Set<string>();
  /** Every allowed path and all of its ancestors. */
  private readonly seen = new Set<string>();

  /** Returns why the entry must be refused, or undefined when it is safe. */
  check(entry: TarEntryLike): string | undefined {
    const problem = this.problemOf(entry);
    if (problem === undefined) this.remember(entry);
    return problem;
  }

  private problemOf(entry: TarEntryLike): string | undefined {
    const raw = entry.path;
    if (raw.includes("\0")) return "path contains a NUL byte";
    if (isAbsolute(raw)) return "absolute path";
    if (hasDotDot(raw)) return "path contains '..'";
    const path = normaliseEntryPath(raw);
    const kind = entryKind(entry.type);
    if (path === "" && kind !== "directory") return "an entry without a name";
    const through = this.throughSymlink(path);
    if (through !== undefined) return `path runs through the symlink ${through}`;
    if (kind === "other") return `unsupported entry type ${entry.type}`;
    if (kind === "symlink") return this.symlinkProblem(path, entry.linkpath ?? "");
    if (kind === "hardlink") return this.hardlinkProblem(entry.linkpath ?? "");
    if (this.symlinks.has(path)) return "would replace a symlink extracted earlier";
    return undefined;
  }

  private symlinkProblem(path: string, link: string): string | undefined {
    if (link === "") return "symlink without a target";
    if (link.includes("\0")) return "symlink target contains a NUL byte";
    if (isAbsolute(link)) return `symlink to an absolute path (${link})`;
    if (this.seen.has(path)) return "symlink would replace an entry extracted earlier";
    // Walk the target as the kernel would, as far as the archive tells us what each part is.
    const parts = [
      ...posix
        .dirname(path)
        .split("/")
        .filter((p) => p !== "" && p !== "."),
      ...link.split("/"),
    ];
    const stack: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (stack.length === 0) return `symlink points outside the target (${link})`;
        stack.pop();
        continue;
      }
      stack.push(part);
      const sofar = stack.join("/");
      if (i < parts.length - 1 && this.symlinks.has(sofar)) {
        return `symlink target runs through the symlink ${sofar} (${link})`;
      }
    }
    return undefined;
  }

  private hardlinkProblem(link: string): string | undefined {
    if (link === "") return "hardlink without a target";
    if (isAbsolute(link)) return `hardlink to an absolute path (${link})`;
    if (hasDotDot(link)) return `hardlink points outside the target (${link})`;
    const target = normaliseEntryPath(link);
    if (!this.files.has(target)) return `hardlink to ${link}, which is not a file earlier in the archive`;
    return undefined;
  }

  private remember(entry: TarEntryLike): void {
    const path = normaliseEntryPath(entry.path);
    const kind = entryKind(entry.type);
    if (kind === "symlink") this.symlinks.add(path);
    if (kind === "file" || kind === "hardlink") this.files.add(path);
    const parts = path.split("/");
    for (let i = 1; i <= parts.length; i++) this.seen.add(parts.slice(0, i).join("/"));
  }

  /** The first ancestor of `path` that is a symlink extracted earlier, if any. */
  private throughSymlink(path: string): string | undefined {
    if (this.symlinks.size === 0) return undefined;
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join("/");
      if (this.symlinks.has(ancestor)) return ancestor;
    }
    return undefined;
  }
}
