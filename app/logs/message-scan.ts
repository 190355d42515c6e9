/**
 * One pass over a message's bytes that yields everything the analysis needs from it: a hash of the
 * message with every number-bearing token masked (so "user 17 timed out after 3021 ms" and
 * "user 9 timed out after 15 ms" group together), the first IPv4 address, and whether the bytes
 * hold control characters (binary garbage). One pass instead of three because it runs per line.
 *
 * Tokens are runs of letters, digits, `_`, `-`, `.`, `:` and non-ASCII bytes; a token holding a
 * digit becomes `<*>`. Everything else (spaces, `/`, `=`, quotes, brackets…) separates tokens.
 */

// Separating classes sort below token classes so one comparison tells them apart.
const SEPARATOR = 0;
const CONTROL = 1;
const WORD = 2;
const DIGIT = 3;
const DOT = 4;
const COLON = 5;

const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  if (b >= 48 && b <= 57) CLASS[b] = DIGIT;
  else if ((b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 95 || b === 45 || b >= 128) CLASS[b] = WORD;
  else if (b === 46) CLASS[b] = DOT;
  else if (b === 58) CLASS[b] = COLON;
  else if ((b < 32 && b !== 9) || b === 127) CLASS[b] = CONTROL;
  else CLASS[b] = SEPARATOR;
}

/** What `scanMessage` found; one instance is reused for every line. */
export interface MessageScan {
  /**
   * Two independent 32-bit hashes of the masked message: equal for messages that differ only in
   * numbers and ids. `key1` indexes, `key2` tells the rare colliding groups apart.
   */
  key1: number;
  key2: number;
  /** First IPv4 address as a signed 32-bit integer; valid when `hasIpv4`. */
  ipv4: number;
  hasIpv4: boolean;
  /** The bytes held a control character other than tab. */
  binary: boolean;
}

export function createMessageScan(): MessageScan {
  return { key1: 0, key2: 0, ipv4: 0, hasIpv4: false, binary: false };
}

const P1 = 16_777_619;
const P2 = 0x5bd1e995;
/** What a number-bearing token contributes to the hash, whatever its digits. */
const MASKED_TOKEN = 0x2a2a2a2a;

/**
 * Reads a dotted quad starting at `i` (a digit) and ending the token (a separator, a port's
 * colon or a sentence's full stop may follow). Returns the address or null.
 */
function ipv4At(buf: Uint8Array, i: number, end: number): number | null {
  let acc = 0;
  let octets = 0;
  let cur = 0;
  let digits = 0;
  for (; i < end; i++) {
    const b = buf[i] as number;
    if (b >= 48 && b <= 57) {
      cur = cur * 10 + (b - 48);
      if (++digits > 3) return null;
    } else if (b === 46 && octets < 3) {
      if (digits === 0 || cur > 255) return null;
      acc = acc * 256 + cur;
      octets++;
      cur = 0;
      digits = 0;
    } else {
      break;
    }
  }
  if (octets !== 3 || digits === 0 || cur > 255) return null;
  if (i < end) {
    const next = CLASS[buf[i] as number] as number;
    if (next === COLON) {
      // "10.0.0.1:8080": an address with its port.
    } else if (next === DOT) {
      // "from 10.0.0.1." is a full stop; "10.0.0.1.5" is not an address.
      const after = i + 1 < end ? (CLASS[buf[i + 1] as number] as number) : SEPARATOR;
      if (after >= WORD) return null;
    } else if (next >= WORD) {
      return null;
    }
  }
  return (acc * 256 + cur) | 0;
}

export function scanMessage(buf: Uint8Array, start: number, end: number, out: MessageScan): void {
  // h1 sees every byte; h2 only tokens and h1's state at each token end, which makes it depend
  // on the separators too at one multiplication per token instead of one per byte.
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x1b873593 | 0;
  let hasIpv4 = false;
  let ipv4 = 0;
  let binary = false;
  let i = start;
  while (i < end) {
    let b = buf[i] as number;
    let cls = CLASS[b] as number;
    if (cls < WORD) {
      if (cls === CONTROL) binary = true;
      h1 = Math.imul(h1 ^ b, P1);
      i++;
      continue;
    }
    if (cls === DIGIT && !hasIpv4) {
      const address = ipv4At(buf, i, end);
      if (address !== null) {
        hasIpv4 = true;
        ipv4 = address;
      }
    }
    // A token: hashed on its own until a digit shows it will be masked, then only skipped.
    let value = 0x811c9dc5 | 0;
    for (;;) {
      if (cls === DIGIT) {
        value = MASKED_TOKEN;
        while (++i < end && (CLASS[buf[i] as number] as number) >= WORD) {}
        break;
      }
      value = Math.imul(value ^ b, P1);
      if (++i >= end) break;
      b = buf[i] as number;
      cls = CLASS[b] as number;
      if (cls < WORD) break;
    }
    h1 = Math.imul(h1 ^ value, P1);
    h2 = Math.imul(h2 ^ value ^ h1, P2);
  }
  out.key1 = h1;
  out.key2 = h2;
  out.ipv4 = ipv4;
  out.hasIpv4 = hasIpv4;
  out.binary = binary;
}

/** Longest masked message kept for display; the hash still covers the scanned bytes. */
export const MAX_MESSAGE_TEXT = 200;

/**
 * The masked text of a message, for display: number-bearing tokens become `<*>`. Runs only when a
 * message group is first seen, so it may allocate.
 */
export function maskedMessage(buf: Uint8Array, start: number, end: number): string {
  let out = "";
  let tokenStart = -1;
  let tokenDigit = false;
  const flush = (i: number) => {
    out += tokenDigit
      ? "<*>"
      : Buffer.from(buf.buffer, buf.byteOffset + tokenStart, i - tokenStart).toString();
    tokenStart = -1;
  };
  let i = start;
  for (; i < end && out.length < MAX_MESSAGE_TEXT; i++) {
    const b = buf[i] as number;
    const cls = CLASS[b] as number;
    if (cls === SEPARATOR || cls === CONTROL) {
      if (tokenStart >= 0) flush(i);
      out += cls === CONTROL ? "\uFFFD" : String.fromCharCode(b);
    } else {
      if (tokenStart < 0) {
        tokenStart = i;
        tokenDigit = false;
      }
      if (cls === DIGIT) tokenDigit = true;
    }
  }
  if (tokenStart >= 0) flush(i);
  return out.length > MAX_MESSAGE_TEXT ? `${out.slice(0, MAX_MESSAGE_TEXT)}…` : out;
}

/** Dotted-quad text of an IPv4 address held as a signed 32-bit integer. */
export function ipv4ToString(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Parses a dotted quad in `buf[start, end)` exactly, or returns null. */
export function parseIpv4(buf: Uint8Array, start: number, end: number): number | null {
  let acc = 0;
  let octets = 0;
  let cur = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (b >= 48 && b <= 57) {
      cur = cur * 10 + (b - 48);
      if (++digits > 3) return null;
    } else if (b === 46 && digits > 0 && cur <= 255 && octets < 3) {
      acc = acc * 256 + cur;
      octets++;
      cur = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  if (octets !== 3 || digits === 0 || cur > 255) return null;
  return (acc * 256 + cur) | 0;
}
