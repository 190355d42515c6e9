import { readLevelWord } from "./level-word";
import { levelFromSyslogSeverity } from "./levels";
import type { ParseContext, ParsedLine } from "./parsed-line";
import { parseBsdTimestamp, parseIsoTimestamp } from "./timestamps";

const afterWord = [0];

function skipToken(buf: Uint8Array, i: number, end: number): number {
  while (i < end && buf[i] !== 32) i++;
  return i;
}

/**
 * Sets the level from a level word at the start of the body (`ERROR: DiskFull …`), which is more
 * specific than the PRI severity most daemons leave at a fixed value.
 */
function bodyLevel(buf: Uint8Array, bodyStart: number, end: number, out: ParsedLine): void {
  const level = readLevelWord(buf, bodyStart, end, afterWord);
  if (level >= 0) {
    out.level = level;
    out.typeStart = afterWord[0] as number;
  } else {
    out.typeStart = bodyStart;
  }
}

/** RFC 5424 after `<PRI>1 `: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]. */
function parse5424(buf: Uint8Array, i: number, end: number, ctx: ParseContext, out: ParsedLine): boolean {
  if (buf[i] === 45) {
    i++;
  } else {
    if (!parseIsoTimestamp(buf, i, end, ctx.assumeOffsetMinutes, ctx.cursor)) return false;
    out.ts = ctx.cursor.ts;
    i = ctx.cursor.end;
  }
  // HOSTNAME, APP-NAME, PROCID, MSGID: four space-separated tokens.
  for (let field = 0; field < 4; field++) {
    if (buf[i] !== 32) return false;
    i = skipToken(buf, i + 1, end);
  }
  if (buf[i] !== 32) return false;
  i++;
  if (buf[i] === 45) {
    i++;
  } else {
    // STRUCTURED-DATA: one or more [id param="value" …] elements; `\]` and `\"` escape inside values.
    while (i < end && buf[i] === 91) {
      let quoted = false;
      i++;
      while (i < end) {
        const c = buf[i];
        if (c === 92) i += 2;
        else if (c === 34) {
          quoted = !quoted;
          i++;
        } else if (c === 93 && !quoted) break;
        else i++;
      }
      if (i >= end) return false;
      i++;
    }
  }
  if (i < end && buf[i] === 32) i++;
  // A UTF-8 BOM may open the message.
  if (buf[i] === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) i += 3;
  out.keyStart = i;
  out.keyEnd = end;
  bodyLevel(buf, i, end, out);
  out.strict = true;
  return true;
}

/**
 * Syslog lines: RFC 3164 (`<34>Mar  7 14:03:22 host tag[pid]: message`, PRI optional as in files
 * written by rsyslog), its high-precision variant with an RFC 3339 timestamp, and RFC 5424.
 * The level comes from a level word opening the message, else from the PRI severity.
 */
export function parseSyslogLine(
  buf: Uint8Array,
  start: number,
  end: number,
  ctx: ParseContext,
  out: ParsedLine,
): boolean {
  let i = start;
  let hasPri = false;
  if (buf[i] === 60) {
    let pri = 0;
    let j = i + 1;
    while (j < end && j - i <= 4) {
      const d = (buf[j] as number) - 48;
      if (d < 0 || d > 9) break;
      pri = pri * 10 + d;
      j++;
    }
    if (j === i + 1 || buf[j] !== 62 || pri > 191) return false;
    hasPri = true;
    out.level = levelFromSyslogSeverity(pri & 7);
    i = j + 1;
    const v = buf[i];
    if (v !== undefined && v >= 49 && v <= 57 && buf[i + 1] === 32)
      return parse5424(buf, i + 2, end, ctx, out);
  }
  const first = buf[i] as number;
  const timed =
    first >= 48 && first <= 57
      ? parseIsoTimestamp(buf, i, end, ctx.assumeOffsetMinutes, ctx.cursor)
      : parseBsdTimestamp(buf, i, end, ctx.year, ctx.cursor);
  if (!timed) {
    // Only a PRI makes a line without a timestamp recognisably syslog.
    if (!hasPri) return false;
  } else {
    out.ts = ctx.cursor.ts;
    i = ctx.cursor.end;
    if (buf[i] !== 32) return false;
    i++;
  }
  // HOSTNAME then TAG: `host app[12]: msg`; a lone `app[12]: msg` (no host) also occurs.
  const firstToken = i;
  let j = skipToken(buf, i, end);
  let tagStart = firstToken;
  if (j > firstToken && buf[j - 1] !== 58) {
    tagStart = j + 1;
  }
  let k = tagStart;
  while (k < end) {
    const c = buf[k];
    if (c === 58 || c === 32) break;
    k++;
  }
  if (k < end && buf[k] === 58 && k > tagStart) {
    j = k + 1;
    if (buf[j] === 32) j++;
    out.strict = true;
  } else {
    // No tag: the body starts after the host.
    j = tagStart;
    out.strict = hasPri;
  }
  if (tagStart > end) tagStart = end;
  if (j > end) j = end;
  out.keyStart = tagStart;
  out.keyEnd = end;
  bodyLevel(buf, j, end, out);
  return true;
}
