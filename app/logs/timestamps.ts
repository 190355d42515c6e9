/**
 * Timestamp parsers that read bytes in place: no Date objects, no strings, no regexes, because
 * they run once per line on multi-GB files. Each returns whether the bytes are a timestamp of its
 * shape and leaves the time (epoch ms) in `cursor.ts` and the position after it in `cursor.end`.
 * The time goes through the cursor, not the return value: a double returned from a call that is
 * not inlined is boxed, one heap allocation per line.
 */

export interface Cursor {
  end: number;
  ts: number;
}

export function createCursor(): Cursor {
  return { end: 0, ts: Number.NaN };
}

export const MS_PER_DAY = 86_400_000;
export const MS_PER_MINUTE = 60_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The decimal digit at `i`, or -1. */
export function digit(buf: Uint8Array, i: number): number {
  const d = (buf[i] as number) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two decimal digits at `i` as a number, or -1. */
export function twoDigits(buf: Uint8Array, i: number): number {
  const a = digit(buf, i);
  const b = digit(buf, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** Month number 1–12 from a three-letter English abbreviation (any case), or -1. */
export function monthFromBytes(buf: Uint8Array, i: number): number {
  const a = (buf[i] as number) | 0x20;
  const b = (buf[i + 1] as number) | 0x20;
  const c = (buf[i + 2] as number) | 0x20;
  switch ((a << 16) | (b << 8) | c) {
    case 0x6a616e: // jan
      return 1;
    case 0x666562: // feb
      return 2;
    case 0x6d6172: // mar
      return 3;
    case 0x617072: // apr
      return 4;
    case 0x6d6179: // may
      return 5;
    case 0x6a756e: // jun
      return 6;
    case 0x6a756c: // jul
      return 7;
    case 0x617567: // aug
      return 8;
    case 0x736570: // sep
      return 9;
    case 0x6f6374: // oct
      return 10;
    case 0x6e6f76: // nov
      return 11;
    case 0x646563: // dec
      return 12;
    default:
      return -1;
  }
}

export function validTime(hour: number, minute: number, second: number): boolean {
  // 60 allows a leap second.
  return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second <= 60;
}

export function validDate(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/**
 * Milliseconds from the fraction digits at `i` (`123456` → 123: microseconds and beyond are read
 * past); sets `cursor.end` to just after the last digit (`i` when there is none).
 */
export function readFraction(buf: Uint8Array, i: number, end: number, cursor: Cursor): number {
  let ms = 0;
  let scale = 100;
  let j = i;
  while (j < end) {
    const d = digit(buf, j);
    if (d < 0) break;
    ms += d * scale;
    scale /= 10;
    j++;
  }
  cursor.end = j;
  return Math.floor(ms);
}

/**
 * Reads an optional fraction and zone after `hh:mm:ss`: `.123`, `,123`, `Z`, `+02:00`, `-0700`.
 * Returns [milliseconds, offset minutes or NaN when no zone] via the cursor and the return value.
 */
function fractionAndZone(buf: Uint8Array, i: number, end: number, cursor: Cursor, zone: number[]): number {
  let ms = 0;
  if (i < end && (buf[i] === 46 || buf[i] === 44)) {
    ms = readFraction(buf, i + 1, end, cursor);
    if (cursor.end === i + 1) return Number.NaN;
    i = cursor.end;
  }
  zone[0] = Number.NaN;
  if (i < end) {
    const c = buf[i];
    if (c === 90 || c === 122) {
      zone[0] = 0;
      i++;
    } else if ((c === 43 || c === 45) && i + 2 < end) {
      const hh = twoDigits(buf, i + 1);
      let j = i + 3;
      if (buf[j] === 58) j++;
      const mm = twoDigits(buf, j);
      if (hh >= 0 && mm >= 0) {
        zone[0] = (c === 45 ? -1 : 1) * (hh * 60 + mm);
        i = j + 2;
      }
    }
  }
  cursor.end = i;
  return ms;
}

const zoneScratch = [Number.NaN];

/**
 * ISO 8601 / RFC 3339 and the common relatives: `2024-03-07T14:03:22.123Z`, `2024-03-07 14:03:22,5`,
 * `2024/03/07 14:03:22` (nginx error log). Without a zone the time is read at `assumeOffsetMinutes`.
 */
export function parseIsoTimestamp(
  buf: Uint8Array,
  i: number,
  end: number,
  assumeOffsetMinutes: number,
  cursor: Cursor,
): boolean {
  if (end - i < 16) return false;
  const y1 = twoDigits(buf, i);
  const y2 = twoDigits(buf, i + 2);
  const sep = buf[i + 4];
  if (y1 < 0 || y2 < 0 || (sep !== 45 && sep !== 47) || buf[i + 7] !== sep) return false;
  const month = twoDigits(buf, i + 5);
  const day = twoDigits(buf, i + 8);
  const t = buf[i + 10];
  if (t !== 84 && t !== 32 && t !== 116) return false;
  const hour = twoDigits(buf, i + 11);
  const minute = twoDigits(buf, i + 14);
  if (buf[i + 13] !== 58 || !validDate(month, day)) return false;
  let second = 0;
  let j = i + 16;
  if (j < end && buf[j] === 58) {
    second = twoDigits(buf, j + 1);
    j += 3;
    if (j > end) return false;
  }
  if (!validTime(hour, minute, second)) return false;
  const ms = fractionAndZone(buf, j, end, cursor, zoneScratch);
  if (Number.isNaN(ms)) return false;
  const zone = zoneScratch[0] as number;
  const offset = Number.isNaN(zone) ? assumeOffsetMinutes : zone;
  const days = daysFromCivil(y1 * 100 + y2, month, day);
  cursor.ts = days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms - offset * MS_PER_MINUTE;
  return true;
}

/** Apache/nginx access log time: `10/Oct/2000:13:55:36 -0700` (inside the brackets). */
export function parseClfTimestamp(buf: Uint8Array, i: number, end: number, cursor: Cursor): boolean {
  if (end - i < 20) return false;
  const day = twoDigits(buf, i);
  const month = monthFromBytes(buf, i + 3);
  const y1 = twoDigits(buf, i + 7);
  const y2 = twoDigits(buf, i + 9);
  if (buf[i + 2] !== 47 || buf[i + 6] !== 47 || buf[i + 11] !== 58) return false;
  const hour = twoDigits(buf, i + 12);
  const minute = twoDigits(buf, i + 15);
  const second = twoDigits(buf, i + 18);
  if (y1 < 0 || y2 < 0 || !validDate(month, day) || !validTime(hour, minute, second)) return false;
  let offset = 0;
  let j = i + 20;
  if (j + 5 <= end && buf[j] === 32 && (buf[j + 1] === 43 || buf[j + 1] === 45)) {
    const hh = twoDigits(buf, j + 2);
    const mm = twoDigits(buf, j + 4);
    if (hh >= 0 && mm >= 0) {
      offset = (buf[j + 1] === 45 ? -1 : 1) * (hh * 60 + mm);
      j += 6;
    }
  }
  cursor.end = j;
  const days = daysFromCivil(y1 * 100 + y2, month, day);
  cursor.ts = days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 - offset * MS_PER_MINUTE;
  return true;
}

/**
 * The year an RFC 3164 timestamp (which has none) belongs to: the reference time's year, or the
 * year before when that would put the line more than a day after the reference (a file written
 * in early January holding December lines). The reference is the file's modification time.
 */
export interface YearContext {
  referenceMs: number;
  year: number;
  assumeOffsetMinutes: number;
  /** The last timestamp's bytes and time: consecutive lines mostly share their second. */
  lastBytes: Uint8Array;
  lastLength: number;
  lastTs: number;
}

export function yearContext(referenceMs: number, assumeOffsetMinutes: number): YearContext {
  const local = new Date(referenceMs + assumeOffsetMinutes * MS_PER_MINUTE);
  return {
    referenceMs,
    year: local.getUTCFullYear(),
    assumeOffsetMinutes,
    lastBytes: new Uint8Array(32),
    lastLength: 0,
    lastTs: 0,
  };
}

/** True when `buf` at `i` repeats the last BSD timestamp, followed by a space. */
function sameAsLast(buf: Uint8Array, i: number, end: number, context: YearContext): boolean {
  const length = context.lastLength;
  if (length === 0 || i + length >= end || buf[i + length] !== 32) return false;
  const last = context.lastBytes;
  for (let k = length - 1; k >= 0; k--) if (buf[i + k] !== last[k]) return false;
  return true;
}

/** RFC 3164 time: `Mar  7 14:03:22` (day space-padded or not), read with the year from `context`. */
export function parseBsdTimestamp(
  buf: Uint8Array,
  i: number,
  end: number,
  context: YearContext,
  cursor: Cursor,
): boolean {
  if (sameAsLast(buf, i, end, context)) {
    cursor.ts = context.lastTs;
    cursor.end = i + context.lastLength;
    return true;
  }
  if (end - i < 14) return false;
  const month = monthFromBytes(buf, i + 0);
  if (month < 0 || buf[i + 3] !== 32) return false;
  let j = i + 4;
  if (buf[j] === 32) j++;
  let day = digit(buf, j);
  if (day < 0) return false;
  j++;
  const d2 = digit(buf, j);
  if (d2 >= 0) {
    day = day * 10 + d2;
    j++;
  }
  if (buf[j] !== 32 || j + 9 > end || buf[j + 3] !== 58 || buf[j + 6] !== 58) return false;
  const hour = twoDigits(buf, j + 1);
  const minute = twoDigits(buf, j + 4);
  const second = twoDigits(buf, j + 7);
  if (!validDate(month, day) || !validTime(hour, minute, second)) return false;
  let ms = 0;
  j += 9;
  // Some daemons add milliseconds to the BSD format.
  if (j < end && buf[j] === 46) {
    ms = readFraction(buf, j + 1, end, cursor);
    j = cursor.end;
  }
  cursor.end = j;
  const timeOfDay =
    ((hour * 60 + minute) * 60 + second) * 1000 + ms - context.assumeOffsetMinutes * MS_PER_MINUTE;
  const ts = daysFromCivil(context.year, month, day) * MS_PER_DAY + timeOfDay;
  cursor.ts =
    ts > context.referenceMs + MS_PER_DAY
      ? daysFromCivil(context.year - 1, month, day) * MS_PER_DAY + timeOfDay
      : ts;
  rememberLast(buf, i, j, cursor.ts, context);
  return true;
}

/** Keeps a parsed timestamp's bytes and time for `sameAsLast`. */
function rememberLast(buf: Uint8Array, start: number, end: number, ts: number, context: YearContext): void {
  const last = context.lastBytes;
  const length = end - start;
  if (length > last.length) {
    context.lastLength = 0;
    return;
  }
  for (let k = 0; k < length; k++) last[k] = buf[start + k] as number;
  context.lastLength = length;
  context.lastTs = ts;
}

/** Parses a timestamp string from a structured record (JSON): ISO text, or epoch seconds/ms. */
export function timestampFromValue(value: unknown, assumeOffsetMinutes: number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) return Number.NaN;
    // Epoch seconds (possibly fractional) until year 5138; milliseconds beyond.
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== "string") return Number.NaN;
  const bytes = Buffer.from(value, "latin1");
  const cursor = createCursor();
  if (parseIsoTimestamp(bytes, 0, bytes.length, assumeOffsetMinutes, cursor)) return cursor.ts;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? Number.NaN : parsed;
}
