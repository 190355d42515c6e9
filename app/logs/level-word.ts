import { levelFromBytes, MAX_LEVEL_WORD } from "./levels";

/**
 * Reads a level word at `i` — `ERROR`, `[warn]`, `<info>`, `ERROR:` — and returns its level code,
 * leaving the position after it (and its bracket or colon and one space) in `after[0]`.
 * Returns -1 when the bytes at `i` are not a level word.
 */
export function readLevelWord(buf: Uint8Array, i: number, end: number, after: number[]): number {
  let j = i;
  const open = buf[j];
  if (open === 91 || open === 60 || open === 40) j++;
  const wordStart = j;
  while (j < end && j - wordStart <= MAX_LEVEL_WORD) {
    const c = (buf[j] as number) | 0x20;
    if (c < 97 || c > 122) break;
    j++;
  }
  if (j === wordStart || j - wordStart > MAX_LEVEL_WORD) return -1;
  // The word must end the token: "Errors occurred" is not a level.
  if (j < end) {
    const c = buf[j];
    if (c !== 32 && c !== 58 && c !== 93 && c !== 62 && c !== 41 && c !== 9 && c !== 124 && c !== 44)
      return -1;
  }
  const level = levelFromBytes(buf, wordStart, j);
  if (level < 0) return -1;
  if (j < end && (buf[j] === 93 || buf[j] === 62 || buf[j] === 41)) j++;
  if (j < end && buf[j] === 58) j++;
  while (j < end && (buf[j] === 32 || buf[j] === 9)) j++;
  after[0] = j;
  return level;
}
