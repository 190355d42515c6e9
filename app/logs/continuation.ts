/**
 * Lines that continue the entry before them rather than start one: a Java stack trace's
 * `\tat com.example.Foo.bar(Foo.java:88)` and `\t... 12 more` (any indented line), `Caused by: …`,
 * and the exception header `java.lang.IllegalStateException: order 42 not found` (a dotted name
 * whose last part is a capitalised class name, then a colon or the end of the line).
 * Only asked of lines that failed to parse, right after an entry or another continuation.
 */
export function isContinuationLine(buf: Uint8Array, start: number, end: number): boolean {
  const first = buf[start];
  if (first === 9 || first === 32) return true;
  if (startsWith(buf, start, end, "Caused by: ")) return true;
  return exceptionNameStart(buf, start, end) >= 0;
}

/**
 * Where the exception class name opening a stack trace's header line starts
 * (`java.net.SocketTimeoutException: Read timed out`, `Caused by: java.sql.SQLException: …`), or -1.
 */
export function exceptionNameStart(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  if (startsWith(buf, i, end, "Caused by: ")) i += 11;
  const nameStart = i;
  let dots = 0;
  let segmentStart = i;
  while (i < end) {
    const c = buf[i] as number;
    if (c === 46) {
      if (i === segmentStart) return -1;
      dots++;
      segmentStart = i + 1;
    } else if (!isNameByte(c)) {
      break;
    }
    i++;
  }
  if (dots === 0 || i === segmentStart || i - nameStart < 3) return -1;
  const head = buf[segmentStart] as number;
  if (head < 65 || head > 90) return -1;
  if (i < end && buf[i] !== 58) return -1;
  return nameStart;
}

function isNameByte(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

function startsWith(buf: Uint8Array, i: number, end: number, text: string): boolean {
  if (end - i < text.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[i + k] !== text.charCodeAt(k)) return false;
  return true;
}
