import { LEVEL_ERROR, LEVEL_INFO, LEVEL_UNKNOWN, LEVEL_WARN } from "./levels";
import { parseIpv4 } from "./message-scan";
import type { ParseContext, ParsedLine } from "./parsed-line";
import { parseClfTimestamp } from "./timestamps";

/** "HTTP 503" strings made once, so counting 5xx responses allocates nothing. */
const STATUS_TYPES: string[] = [];
for (let status = 500; status < 600; status++) STATUS_TYPES[status - 500] = `HTTP ${status}`;

/** Characters an IPv6 (or IPv4-mapped) client address may hold. */
function isAddressByte(c: number): boolean {
  return (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46;
}

/**
 * nginx/Apache "combined" and "common" access logs:
 * `203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "ref" "agent"`.
 * Level from the status (5xx error, 4xx warn, else info); 5xx responses are error types "HTTP 5xx".
 * The message key is the method and path without its query string.
 */
export function parseAccessLine(
  buf: Uint8Array,
  start: number,
  end: number,
  ctx: ParseContext,
  out: ParsedLine,
): boolean {
  let i = start;
  while (i < end && buf[i] !== 32) i++;
  if (i === start || i >= end) return false;
  const ipEnd = i;
  // ident and user, then the bracketed time.
  let spaces = 0;
  while (i < end && buf[i] !== 91) {
    if (buf[i] === 32) spaces++;
    i++;
  }
  if (i >= end || spaces < 3) return false;
  if (!parseClfTimestamp(buf, i + 1, end, ctx.cursor)) return false;
  out.ts = ctx.cursor.ts;
  i = ctx.cursor.end;
  if (buf[i] !== 93 || buf[i + 1] !== 32 || buf[i + 2] !== 34) return false;
  i += 3;
  const requestStart = i;
  let keyEnd = -1;
  let spaceCount = 0;
  while (i < end) {
    const c = buf[i];
    if (c === 92) {
      i += 2;
      continue;
    }
    if (c === 34) break;
    if (c === 32) {
      spaceCount++;
      if (spaceCount === 2 && keyEnd < 0) keyEnd = i;
    } else if (c === 63 && keyEnd < 0 && spaceCount === 1) {
      keyEnd = i;
    }
    i++;
  }
  if (i >= end) return false;
  if (keyEnd < 0) keyEnd = i;
  i++;
  if (buf[i] !== 32) return false;
  i++;
  let status = 0;
  let digits = 0;
  while (i < end && digits < 4) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) break;
    status = status * 10 + d;
    digits++;
    i++;
  }
  if (digits === 3 && status >= 100 && status < 600) {
    out.level = status >= 500 ? LEVEL_ERROR : status >= 400 ? LEVEL_WARN : LEVEL_INFO;
    if (status >= 500) out.errorType = STATUS_TYPES[status - 500] as string;
    out.strict = true;
  } else {
    out.level = LEVEL_UNKNOWN;
  }
  const ipv4 = parseIpv4(buf, start, ipEnd);
  out.ipFromField = true;
  if (ipv4 !== null) {
    out.hasIpv4 = true;
    out.ipv4 = ipv4;
  } else {
    let address = true;
    for (let k = start; k < ipEnd; k++) {
      if (!isAddressByte(buf[k] as number)) {
        address = false;
        break;
      }
    }
    // Hostnames (HostnameLookups on) and garbage are not client IPs.
    if (address)
      out.ipText = Buffer.from(buf.buffer, buf.byteOffset + start, ipEnd - start)
        .toString("latin1")
        .toLowerCase();
  }
  out.keyStart = requestStart;
  out.keyEnd = keyEnd;
  out.typeStart = requestStart;
  return true;
}
