import bytesLib from "bytes";
import ms from "ms";
import { UsageError } from "./errors";

/**
 * `100MB`, `1.5G`, `512k`, `4096` (bytes) → bytes, 1024-based. The bytes package reads `100M` as 100
 * (it ignores what it does not know), so the shape is checked here and a one-letter unit completed.
 */
export function parseSize(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(b?)\s*$/i.exec(text);
  const value = match ? bytesLib.parse(`${match[1]}${match[2] ? `${match[2]}b` : match[3]}`) : null;
  if (value === null || !(value > 0)) {
    throw new UsageError(
      `${flag}: expected a size such as 100MB, 1.5G or 4096 (bytes), got ${JSON.stringify(text)}`,
    );
  }
  return Math.floor(value);
}

/** `7d`, `12h`, `30m`, `90s`, `1.5h` → milliseconds (via the ms package); must be positive. */
export function parseDuration(text: string, flag: string): number {
  const value = /^\s*\d/.test(text) ? ms(text.trim() as ms.StringValue) : undefined;
  if (value === undefined || !(value > 0)) {
    throw new UsageError(
      `${flag}: expected a duration such as 30s, 15m, 12h or 7d, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** An ISO 8601 time (`2026-03-07T14:00:00Z`), or a duration meaning that long ago (`2h`). */
export function parseTime(text: string, flag: string, now: Date): string {
  if (/^\d+(\.\d+)?\s*[a-z]+$/i.test(text.trim())) {
    return new Date(now.getTime() - parseDuration(text, flag)).toISOString();
  }
  if (Number.isNaN(Date.parse(text))) {
    throw new UsageError(
      `${flag}: expected an ISO 8601 time (2026-03-07T14:00:00Z) or an age (2h), got ${JSON.stringify(text)}`,
    );
  }
  return text;
}

export function parseCount(text: string, flag: string, min = 0): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new UsageError(
      `${flag}: expected a whole number${min > 0 ? ` of at least ${min}` : ""}, got ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

export function formatBytes(value: number): string {
  return bytesLib.format(value, { unitSeparator: " ", decimalPlaces: 1 }) ?? `${value} B`;
}

export function formatDuration(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)}ms` : ms(Math.round(milliseconds));
}

/** "3m 20s ago"-style ages for tables. */
export function formatAge(from: string | Date, now: Date): string {
  const at = typeof from === "string" ? Date.parse(from) : from.getTime();
  return `${ms(Math.max(0, now.getTime() - at))} ago`;
}
