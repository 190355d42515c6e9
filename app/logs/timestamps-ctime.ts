import {
  type Cursor,
  daysFromCivil,
  digit,
  MS_PER_DAY,
  MS_PER_MINUTE,
  monthFromBytes,
  readFraction,
  twoDigits,
  validDate,
  validTime,
} from "./timestamps";

function isLetter(c: number | undefined): boolean {
  return c !== undefined && (c | 0x20) >= 97 && (c | 0x20) <= 122;
}

/**
 * The C `ctime` shape Apache httpd writes in its error log: `Sat Dec 05 10:00:01.123456 2026`
 * (2.4, microseconds) or `Sat Dec 05 10:00:01 2026` (2.2); the day may be space-padded. The
 * weekday is not checked against the date. No zone: read at `assumeOffsetMinutes`.
 */
export function parseCtimeTimestamp(
  buf: Uint8Array,
  i: number,
  end: number,
  assumeOffsetMinutes: number,
  cursor: Cursor,
): boolean {
  if (end - i < 24) return false;
  if (!isLetter(buf[i]) || !isLetter(buf[i + 1]) || !isLetter(buf[i + 2]) || buf[i + 3] !== 32) return false;
  const month = monthFromBytes(buf, i + 4);
  if (month < 0 || buf[i + 7] !== 32) return false;
  const day = buf[i + 8] === 32 ? digit(buf, i + 9) : twoDigits(buf, i + 8);
  if (buf[i + 10] !== 32 || buf[i + 13] !== 58 || buf[i + 16] !== 58) return false;
  const hour = twoDigits(buf, i + 11);
  const minute = twoDigits(buf, i + 14);
  const second = twoDigits(buf, i + 17);
  if (!validDate(month, day) || !validTime(hour, minute, second)) return false;
  let j = i + 19;
  let ms = 0;
  if (buf[j] === 46) {
    ms = readFraction(buf, j + 1, end, cursor);
    j = cursor.end;
  }
  if (buf[j] !== 32 || j + 5 > end) return false;
  const y1 = twoDigits(buf, j + 1);
  const y2 = twoDigits(buf, j + 3);
  if (y1 < 0 || y2 < 0 || digit(buf, j + 5) >= 0) return false;
  cursor.end = j + 5;
  const timeOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + ms - assumeOffsetMinutes * MS_PER_MINUTE;
  cursor.ts = daysFromCivil(y1 * 100 + y2, month, day) * MS_PER_DAY + timeOfDay;
  return true;
}
