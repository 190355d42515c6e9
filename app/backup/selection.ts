import picomatch from "picomatch";

/**
 * Decides which paths go into an archive. Paths are archive paths: the absolute path without its
 * leading `/` (`etc/nginx/nginx.conf`), the same paths `list`, `verify` and `restore` show.
 */
export type PathFilter = (archivePath: string, isDirectory: boolean) => boolean;

export interface SelectionOptions {
  /** When non-empty, only files matching one of these are archived (folders are still walked). */
  include?: readonly string[];
  /** Files and folders matching one of these are left out; an excluded folder is not walked. */
  exclude?: readonly string[];
}

/** Thrown for a glob picomatch cannot compile; `field` is `include[2]` style. */
export class SelectionError extends Error {
  override readonly name = "SelectionError";
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

function compile(patterns: readonly string[], field: string): ((path: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const matchers = patterns.map((pattern, i) => {
    if (pattern.trim() === "") throw new SelectionError(`${field}[${i}]`, "empty pattern");
    try {
      // dot: `**` must also reach hidden files, or `exclude: ["**/*.key"]` would miss `.ssh/id.key`.
      return picomatch(pattern.replace(/^\/+/, ""), { dot: true });
    } catch (error) {
      throw new SelectionError(`${field}[${i}]`, `invalid glob ${JSON.stringify(pattern)}`, { cause: error });
    }
  });
  return (path) => matchers.some((m) => m(path));
}

export function createPathFilter(options: SelectionOptions = {}): PathFilter {
  const included = compile(options.include ?? [], "include");
  const excluded = compile(options.exclude ?? [], "exclude");
  return (archivePath, isDirectory) => {
    const path = archivePath.replace(/\/+$/, "");
    if (isDirectory) {
      // `cache` and `cache/` both name a folder: accept patterns written either way.
      return !(excluded?.(path) || excluded?.(`${path}/`));
    }
    if (excluded?.(path)) return false;
    return included ? included(path) : true;
  };
}
