import { type Document, LineCounter, parseDocument } from "yaml";

/** Where something is in a source file, 1-based like editors and compilers print it. */
export interface SourcePosition {
  line: number;
  column: number;
}

type Segment = string | number;
type Ranged = { range?: [number, number, number] | null };

/**
 * Splits a path as `formatPath` prints it (`checks[2].timeoutMs`, `(root)`) back into segments.
 * A key that itself holds a dot cannot be told apart; the location then falls back to its parent.
 */
export function pathSegments(path: string): Segment[] {
  if (path === "(root)") return [];
  const segments: Segment[] = [];
  for (const match of path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) {
    segments.push(match[1] !== undefined ? Number(match[1]) : (match[2] ?? ""));
  }
  return segments;
}

/** The key zod's "unrecognized key(s)" message names, so the position is that key's, not its map's. */
export function unknownKeyOf(message: string): string | undefined {
  return /^unrecognized keys?: "([^"]+)"/i.exec(message)?.[1];
}

/**
 * The position of the node at `path`, or of its nearest ancestor that exists (a missing key is
 * reported where its map starts). For a map entry the key is the position, where people look first.
 */
export function positionOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly Segment[],
): SourcePosition | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const offset = (keyNode(doc, prefix) ?? (doc.getIn(prefix, true) as Ranged | undefined))?.range?.[0];
    if (offset !== undefined) {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    }
  }
  return undefined;
}

function keyNode(doc: Document, path: readonly Segment[]): Ranged | undefined {
  const last = path[path.length - 1];
  if (typeof last !== "string") return undefined;
  const parent = (path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true)) as
    | { items?: unknown[] }
    | undefined;
  for (const item of parent?.items ?? []) {
    const key = (item as { key?: Ranged & { value?: unknown } }).key;
    if (key?.value === last) return key;
  }
  return undefined;
}

/** A problem in a file, with where it is when that is known. */
export interface LocatedIssue extends Partial<SourcePosition> {
  path: string;
  message: string;
}

/** Parses YAML (or JSON) keeping node positions; syntax errors come back as located issues. */
export function parseLocatedYaml(text: string): {
  doc: Document;
  lineCounter: LineCounter;
  syntaxIssues: LocatedIssue[];
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const syntaxIssues = doc.errors.map((error) => {
    const pos = error.linePos?.[0];
    return {
      path: "(yaml)",
      message: error.message.split("\n")[0] ?? error.message,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    };
  });
  return { doc, lineCounter, syntaxIssues };
}
