import {
  type Cursor,
  daysFromCivil,
  MS_PER_DAY,
  MS_PER_MINUTE,
  twoDigits,
  validDate,
  validTime,
} from "./timestamps";

/**
 * `yyMMdd HHmmss`, as Hadoop's HDFS logs write it (`081109 203615`, LogHub's HDFS data set):
 * exactly six digits, a space and six digits, then a space or the end. Two-digit years are
 * 2000–2099. No zone: read at `assumeOffsetMinutes`.
 */
export function parseCompactTimestamp(
  buf: Uint8Array,
  i: number,
  end: number,
  assumeOffsetMinutes: number,
  cursor: Cursor,
): boolean {
  if (end - i < 13 || buf[i + 6] !== 32 || (i + 13 < end && buf[i + 13] !== 32)) return false;
  const year = twoDigits(buf, i);
  const month = twoDigits(buf, i + 2);
  const day = twoDigits(buf, i + 4);
  const hour = twoDigits(buf, i + 7);
  const minute = twoDigits(buf, i + 9);
  const second = twoDigits(buf, i + 11);
  if (year < 0 || !validDate(month, day) || !validTime(hour, minute, second)) return false;
  cursor.end = i + 13;
  const timeOfDay = ((hour * 60 + minute) * 60 + second) * 1000 - assumeOffsetMinutes * MS_PER_MINUTE;
  cursor.ts = daysFromCivil(2000 + year, month, day) * MS_PER_DAY + timeOfDay;
  return true;
}
