import { LEVEL_TRACE, levelFromBytes } from "./levels";
import { parseIpv4 } from "./message-scan";
import type { ParseContext, ParsedLine } from "./parsed-line";
import { parseCtimeTimestamp } from "./timestamps-ctime";

/** A bracketed field longer than this is not one of the error log's own fields. */
const MAX_FIELD = 160;

/** `AH00126`-style message codes as error types, made once per code. */
const CODES = new Map<number, string>();

function closingBracket(buf: Uint8Array, i: number, end: number): number {
  const stop = Math.min(end, i + MAX_FIELD);
  for (let j = i; j < stop; j++) if (buf[j] === 93) return j;
  return -1;
}

function startsWith(buf: Uint8Array, i: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) if (buf[i + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** The level of `[module:level]` or `[level]` between `i` and `close`; -1 when not a level. */
function levelField(buf: Uint8Array, i: number, close: number): number {
  let wordStart = i;
  for (let j = close - 1; j >= i; j--) {
    if (buf[j] === 58) {
      wordStart = j + 1;
      break;
    }
  }
  let wordEnd = close;
  // httpd's trace1 … trace8.
  const last = buf[wordEnd - 1] as number;
  if (last >= 49 && last <= 56) {
    wordEnd--;
    const level = levelFromBytes(buf, wordStart, wordEnd);
    return level === LEVEL_TRACE ? level : -1;
  }
  return levelFromBytes(buf, wordStart, wordEnd);
}

/** The `AHnnnnn` code opening the message (after an `(errno)text: ` prefix), or null. */
function messageCode(buf: Uint8Array, i: number, end: number): string | null {
  const stop = Math.min(end - 7, i + 80);
  for (let j = i; j <= stop; j++) {
    if (buf[j] !== 65 || buf[j + 1] !== 72 || buf[j + 7] !== 58) continue;
    if (j > i && buf[j - 1] !== 32) continue;
    let code = 0;
    let k = j + 2;
    for (; k < j + 7; k++) {
      const d = (buf[k] as number) - 48;
      if (d < 0 || d > 9) break;
      code = code * 10 + d;
    }
    if (k !== j + 7) continue;
    let text = CODES.get(code);
    if (text === undefined) {
      text = `AH${String(code).padStart(5, "0")}`;
      CODES.set(code, text);
    }
    return text;
  }
  return null;
}

/**
 * The client address of `[client 203.0.113.9:51234]` (IPv4 or IPv6, port dropped). httpd 2.4 writes
 * `%a` as address:port, an IPv6 one without brackets (`2001:db8::7:40000`); 2.2 writes the address
 * alone, so `withPort` (the line is 2.4's) decides whether an IPv6 address's last group is a port.
 */
function clientAddress(buf: Uint8Array, i: number, close: number, withPort: boolean, out: ParsedLine): void {
  let colon = -1;
  let dot = false;
  for (let j = i; j < close; j++) {
    if (buf[j] === 46) dot = true;
    else if (buf[j] === 58 && (colon < 0 || !dot)) colon = j;
  }
  const addressEnd = colon < 0 || (!dot && !withPort) ? close : colon;
  const ipv4 = parseIpv4(buf, i, dot && colon > 0 ? colon : addressEnd);
  if (ipv4 !== null) {
    out.hasIpv4 = true;
    out.ipv4 = ipv4;
  } else if (!dot && addressEnd > i) {
    out.ipText = Buffer.from(buf.buffer, buf.byteOffset + i, addressEnd - i)
      .toString("latin1")
      .toLowerCase();
  }
}

/**
 * Apache httpd error log, 2.4's default ErrorLogFormat and 2.2's:
 * `[Sat Dec 05 10:00:01.123456 2026] [core:error] [pid 123:tid 456] [client 1.2.3.4:5678] AH00126: …`
 * and `[Sat Dec 05 10:00:01 2026] [error] [client 1.2.3.4] …`. Level from the `[module:level]`
 * field (trace1–8 are trace); client IP from `[client …]` only; error type the `AHnnnnn` code when the
 * message has one. The message key is the message after the bracketed fields.
 */
export function parseApacheErrorLine(
  buf: Uint8Array,
  start: number,
  end: number,
  ctx: ParseContext,
  out: ParsedLine,
): boolean {
  if (buf[start] !== 91 || !parseCtimeTimestamp(buf, start + 1, end, ctx.assumeOffsetMinutes, ctx.cursor))
    return false;
  let i = ctx.cursor.end;
  if (buf[i] !== 93 || buf[i + 1] !== 32 || buf[i + 2] !== 91) return false;
  const levelClose = closingBracket(buf, i + 3, end);
  if (levelClose < 0) return false;
  const level = levelField(buf, i + 3, levelClose);
  if (level < 0) return false;
  // 2.4 names the module (`[core:error]`) and logs the client's port; 2.2 has `[error]` and no port.
  let withPort = false;
  for (let k = i + 3; k < levelClose && !withPort; k++) withPort = buf[k] === 58;
  out.ts = ctx.cursor.ts;
  out.level = level;
  out.strict = true;
  // Only the client field names a client: an address in the message is a backend or a vhost.
  out.ipFromField = true;
  i = levelClose + 1;
  // The fields httpd adds before the message: [pid …], [client …], [remote …] (a proxy's peer).
  while (buf[i] === 32 && buf[i + 1] === 91) {
    const field = i + 2;
    const isClient = startsWith(buf, field, "client ");
    if (!isClient && !startsWith(buf, field, "pid ") && !startsWith(buf, field, "remote ")) break;
    const close = closingBracket(buf, field, end);
    if (close < 0) break;
    if (isClient) clientAddress(buf, field + 7, close, withPort, out);
    i = close + 1;
  }
  while (i < end && buf[i] === 32) i++;
  out.keyStart = i;
  out.keyEnd = end;
  out.typeStart = i;
  out.errorType = messageCode(buf, i, end);
  return true;
}
