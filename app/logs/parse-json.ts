import { LEVEL_UNKNOWN, levelFromNumber, levelFromString } from "./levels";
import { parseIpv4 } from "./message-scan";
import type { ParseContext, ParsedLine } from "./parsed-line";
import { timestampFromValue } from "./timestamps";

/** Field names (dotted for nested) tried in order; the first present one wins. */
const LEVEL_FIELDS = ["level", "lvl", "severity", "log.level", "levelname", "loglevel", "level_name"];
const TIME_FIELDS = ["time", "timestamp", "ts", "@timestamp", "datetime", "date", "t"];
const MESSAGE_FIELDS = ["msg", "message", "log", "text", "event"];
const IP_FIELDS = [
  "ip",
  "client_ip",
  "clientIp",
  "clientip",
  "remote_addr",
  "remoteAddr",
  "remote_ip",
  "client.ip",
  "source.ip",
  "req.remoteAddress",
  "http.client_ip",
];
const ERROR_TYPE_FIELDS = [
  "err.type",
  "err.name",
  "error.type",
  "error.kind",
  "error.name",
  "error_type",
  "errorType",
  "exception.type",
  "exc_type",
];

function field(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const dot = name.indexOf(".");
  if (dot < 0) return undefined;
  const parent = record[name.slice(0, dot)];
  if (parent === null || typeof parent !== "object") return undefined;
  return field(parent as Record<string, unknown>, name.slice(dot + 1));
}

function firstField(record: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) {
    const value = field(record, name);
    if (value !== undefined && value !== null && value !== "") return value;
  }
  return undefined;
}

/** Message text is copied here so the byte-level message scan can read it like any other line. */
let scratch = Buffer.allocUnsafe(4096);
const MAX_TEXT = 65_536;

/**
 * JSON Lines: one object per line (pino, bunyan, Docker's json-file, ECS…). Level, time, message,
 * client IP and error type come from the usual field names (see the lists above). This format
 * parses each line with JSON.parse, so it is slower than the byte-level formats.
 */
export function parseJsonLine(
  buf: Uint8Array,
  start: number,
  end: number,
  ctx: ParseContext,
  out: ParsedLine,
): boolean {
  let i = start;
  while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
  if (buf[i] !== 123) return false;
  let record: unknown;
  try {
    record = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + i, end - i).toString("utf8"));
  } catch {
    return false;
  }
  if (record === null || typeof record !== "object" || Array.isArray(record)) return false;
  const object = record as Record<string, unknown>;

  const level = firstField(object, LEVEL_FIELDS);
  out.level =
    typeof level === "number"
      ? levelFromNumber(level)
      : typeof level === "string"
        ? Math.max(levelFromString(level), LEVEL_UNKNOWN)
        : LEVEL_UNKNOWN;
  out.ts = timestampFromValue(firstField(object, TIME_FIELDS), ctx.assumeOffsetMinutes);

  const message = firstField(object, MESSAGE_FIELDS);
  const text = typeof message === "string" ? message : message === undefined ? "" : JSON.stringify(message);
  const needed = Math.min(Buffer.byteLength(text), MAX_TEXT);
  if (scratch.length < needed) scratch = Buffer.allocUnsafe(Math.max(needed, scratch.length * 2));
  const written = scratch.write(text, 0, needed, "utf8");
  out.textBuf = scratch;
  out.keyStart = 0;
  out.keyEnd = written;
  out.typeStart = 0;

  const ip = firstField(object, IP_FIELDS);
  if (typeof ip === "string") {
    out.ipFromField = true;
    const bytes = Buffer.from(ip, "latin1");
    const ipv4 = parseIpv4(bytes, 0, bytes.length);
    if (ipv4 !== null) {
      out.hasIpv4 = true;
      out.ipv4 = ipv4;
    } else {
      out.ipText = ip.toLowerCase();
    }
  }
  const errorType = firstField(object, ERROR_TYPE_FIELDS);
  if (typeof errorType === "string") out.errorType = errorType.slice(0, 200);
  out.strict = level !== undefined || message !== undefined || !Number.isNaN(out.ts);
  return true;
}
