/** The error type of an error line whose text names none (`ERROR: connection refused`). */
export const UNCLASSIFIED = "(unclassified)";

const MAX_TYPE = 120;

function isTypeByte(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 36
  );
}

/**
 * The error type named at `i` in an error line's text, after its level word:
 * - `DiskFull on /dev/sda1` → `DiskFull` (a CamelCase word; for dotted names the last segment:
 *   `java.io.IOException`),
 * - `Timeout: upstream took 30s` → `Timeout` (a word followed by a colon),
 * - `ECONNREFUSED 10.0.0.1:5432` → `ECONNREFUSED` (an errno-like upper-case word of 5+ characters),
 * otherwise `(unclassified)`. Leading `:`, `-`, `|`, `*` and spaces are skipped.
 */
export function errorTypeAt(buf: Uint8Array, i: number, end: number): string {
  while (i < end) {
    const c = buf[i];
    if (c !== 32 && c !== 9 && c !== 58 && c !== 45 && c !== 124 && c !== 42) break;
    i++;
  }
  const start = i;
  let upper = 0;
  let lower = 0;
  let upperAfterFirst = false;
  let segmentStart = start;
  while (i < end && i - start < MAX_TYPE) {
    const c = buf[i] as number;
    if (!isTypeByte(c)) break;
    if (c === 46) {
      segmentStart = i + 1;
      upper = 0;
      lower = 0;
      upperAfterFirst = false;
    } else if (c >= 65 && c <= 90) {
      if (i > segmentStart) upperAfterFirst = true;
      upper++;
    } else if (c >= 97 && c <= 122) {
      lower++;
    }
    i++;
  }
  const length = i - start;
  const first = buf[start] as number;
  if (length < 2 || !((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return UNCLASSIFIED;
  const segmentFirst = buf[segmentStart] as number;
  const camel = segmentFirst >= 65 && segmentFirst <= 90 && lower > 0 && upperAfterFirst;
  const errno = lower === 0 && upper >= 5 && segmentStart === start;
  const labelled = i < end && buf[i] === 58 && buf[i + 1] !== 47;
  if (!camel && !errno && !labelled) return UNCLASSIFIED;
  let stop = i;
  while (stop > start && buf[stop - 1] === 46) stop--;
  return internedText(buf, start, stop);
}

/** Error types seen recently, by a hash of their bytes: repeats cost no allocation. */
const interned = new Map<number, string>();
const MAX_INTERNED = 4096;

function internedText(buf: Uint8Array, start: number, end: number): string {
  let hash = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] as number), 16_777_619);
  const known = interned.get(hash);
  if (known !== undefined && known.length === end - start) {
    let same = true;
    for (let i = 0; i < known.length && same; i++) same = known.charCodeAt(i) === buf[start + i];
    if (same) return known;
  }
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1");
  if (interned.size >= MAX_INTERNED) interned.clear();
  interned.set(hash, text);
  return text;
}
