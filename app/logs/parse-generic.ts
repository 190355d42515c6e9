import { readLevelWord } from "./level-word";
import type { ParseContext, ParsedLine } from "./parsed-line";
import { parseIsoTimestamp } from "./timestamps";

const afterWord = [0];

/**
 * The generic application format `<timestamp> <LEVEL> <message>`: ISO-like timestamps (`T` or a
 * space, `-` or `/` in the date, optional fraction and zone, optionally in brackets) followed by a
 * level word (`ERROR`, `[warn]`, `INFO:`). A line that starts with a level word but has no
 * timestamp still matches (and is counted as missing its timestamp).
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
  if (!parseIsoTimestamp(buf, i, end, ctx.assumeOffsetMinutes, ctx.cursor)) {
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
    const level = readLevelWord(buf, i, end, afterWord);
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
