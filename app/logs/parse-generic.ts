import { readLevelWord } from "./level-word";
import type { ParseContext, ParsedLine } from "./parsed-line";
import { parseIsoTimestamp } from "./timestamps";
import { parseCompactTimestamp } from "./timestamps-compact";

const afterWord = [0];

/** A thread name in brackets longer than this is taken for part of the message. */
const MAX_THREAD_FIELD = 100;

/**
 * Where a level word would start after one field between the timestamp and the level — a
 * thread id (HDFS: `081109 203615 148 INFO`) or a bracketed thread name (logback's default
 * `10:00:00.123 [main] INFO`) — or -1 when the text at `i` is neither.
 */
function afterThreadField(buf: Uint8Array, i: number, end: number): number {
  let j = i;
  if (buf[j] === 91) {
    const stop = Math.min(end, i + MAX_THREAD_FIELD);
    while (j < stop && buf[j] !== 93) j++;
    if (j >= stop) return -1;
    j++;
  } else {
    while (j < end && (buf[j] as number) >= 48 && (buf[j] as number) <= 57) j++;
    if (j === i) return -1;
  }
  if (buf[j] !== 32 && buf[j] !== 9) return -1;
  while (j < end && (buf[j] === 32 || buf[j] === 9)) j++;
  return j;
}

/**
 * The generic application format `<timestamp> <LEVEL> <message>`: ISO-like timestamps (`T` or a
 * space, `-` or `/` in the date, optional fraction and zone, optionally in brackets) followed by a
 * level word (`ERROR`, `[warn]`, `INFO:`), possibly after a thread field (`[main] INFO`, HDFS's
 * `081109 203615 148 INFO` with its compact `yyMMdd HHmmss` time). A line that starts with a level
 * word but has no timestamp still matches (and is counted as missing its timestamp).
 */
export function parseGenericLine(
  buf: Uint8Array,
  start: number,
  end: number,
  ctx: ParseContext,
  out: ParsedLine,
): boolean {
  let i = start;
  const bracketed = buf[i] === 91;
  if (bracketed) i++;
  if (
    !parseIsoTimestamp(buf, i, end, ctx.assumeOffsetMinutes, ctx.cursor) &&
    (bracketed || !parseCompactTimestamp(buf, i, end, ctx.assumeOffsetMinutes, ctx.cursor))
  ) {
    const level = readLevelWord(buf, start, end, afterWord);
    if (level < 0) return false;
    out.level = level;
    out.keyStart = afterWord[0] as number;
  } else {
    out.ts = ctx.cursor.ts;
    i = ctx.cursor.end;
    if (bracketed && buf[i] === 93) i++;
    if (i < end && buf[i] !== 32 && buf[i] !== 9) return false;
    while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
    let level = readLevelWord(buf, i, end, afterWord);
    if (level < 0) {
      const next = afterThreadField(buf, i, end);
      if (next > 0) level = readLevelWord(buf, next, end, afterWord);
    }
    if (level >= 0) {
      out.level = level;
      out.strict = true;
      i = afterWord[0] as number;
    }
    out.keyStart = i;
  }
  out.keyEnd = end;
  out.typeStart = out.keyStart;
  return true;
}
