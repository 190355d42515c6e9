import { LEVEL_UNKNOWN } from "./levels";
import type { Cursor, YearContext } from "./timestamps";

/**
 * The fields a format parser finds in one line, as byte positions into the line's buffer.
 * One instance is reused for every line of a scan so the hot path allocates nothing.
 */
export interface ParsedLine {
  /** Epoch milliseconds, NaN when the line has no (valid) timestamp. */
  ts: number;
  /** Level code (see levels.ts). */
  level: number;
  /** The text that identifies the message for grouping and IP search: `[keyStart, keyEnd)`. */
  keyStart: number;
  keyEnd: number;
  /** Where an error type is looked for (after the level word, or the start of the body). */
  typeStart: number;
  /** Client IP from a dedicated field; when `ipFromField` is false the message is searched. */
  ipFromField: boolean;
  hasIpv4: boolean;
  ipv4: number;
  ipText: string | null;
  /** An error type the format states outright (HTTP status, a JSON `error.type` field). */
  errorType: string | null;
  /** When set, `keyStart`/`keyEnd`/`typeStart` point into this buffer instead of the line's. */
  textBuf: Uint8Array | null;
  /** The line matched its format unambiguously (used to score format detection). */
  strict: boolean;
}

export function createParsedLine(): ParsedLine {
  return {
    ts: Number.NaN,
    level: LEVEL_UNKNOWN,
    keyStart: 0,
    keyEnd: 0,
    typeStart: 0,
    ipFromField: false,
    hasIpv4: false,
    ipv4: 0,
    ipText: null,
    errorType: null,
    textBuf: null,
    strict: false,
  };
}

export function resetParsedLine(out: ParsedLine): void {
  out.ts = Number.NaN;
  out.level = LEVEL_UNKNOWN;
  out.ipFromField = false;
  out.hasIpv4 = false;
  out.ipText = null;
  out.errorType = null;
  out.textBuf = null;
  out.strict = false;
}

/** Per-file facts a parser needs: how to read timestamps that lack a year or a zone. */
export interface ParseContext {
  year: YearContext;
  assumeOffsetMinutes: number;
  cursor: Cursor;
}

/** Parses `buf[start, end)` (no line break) into `out`; false when the line is not in this format. */
export type LineParser = (
  buf: Uint8Array,
  start: number,
  end: number,
  ctx: ParseContext,
  out: ParsedLine,
) => boolean;
