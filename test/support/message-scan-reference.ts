/**
 * The message pass as it was written in JavaScript before it moved to WebAssembly
 * (app/logs/wasm/message-scan.as.ts): one byte at a time, easy to read. The tests hold the
 * compiled pass to it — the same groups (the hashes differ; which messages share one must not)
 * and the same addresses.
 */
import type { MessageScan } from "../../app/logs/message-scan";

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

/** What a token byte says about its token: it holds a digit, a letter-like byte, a dot. */
const HAS_DIGIT = 1;
const HAS_WORD = 2;
const HAS_DOT = 4;
/** Only digits and dots (a port's colon adds nothing): the shape of a dotted quad. */
const ADDRESS_LIKE = HAS_DIGIT | HAS_DOT;
const TOKEN_FLAGS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const cls = CLASS[b];
  TOKEN_FLAGS[b] = cls === DIGIT ? HAS_DIGIT : cls === WORD ? HAS_WORD : cls === DOT ? HAS_DOT : 0;
}

const P1 = 16_777_619;
const P2 = 0x5bd1e995;
/** What a number-bearing token contributes to the hash, whatever its digits. */
const MASKED_TOKEN = 0x2a2a2a2a;

/**
 * Reads a dotted quad starting at `i` that ends its token (a separator, a port's colon or a
 * sentence's full stop may follow). Returns the address, or -1 with `ipv4Valid` false.
 */
let ipv4Valid = false;
function ipv4At(buf: Uint8Array, i: number, end: number): number {
  ipv4Valid = false;
  let acc = 0;
  let octets = 0;
  let cur = 0;
  let digits = 0;
  for (; i < end; i++) {
    const b = buf[i] as number;
    if (b >= 48 && b <= 57) {
      cur = cur * 10 + (b - 48);
      if (++digits > 3) return -1;
    } else if (b === 46 && octets < 3) {
      if (digits === 0 || cur > 255) return -1;
      acc = acc * 256 + cur;
      octets++;
      cur = 0;
      digits = 0;
    } else {
      break;
    }
  }
  if (octets !== 3 || digits === 0 || cur > 255) return -1;
  if (i < end) {
    const next = CLASS[buf[i] as number] as number;
    if (next === DOT) {
      // "from 10.0.0.1." is a full stop; "10.0.0.1.5" is not an address.
      const after = i + 1 < end ? (CLASS[buf[i + 1] as number] as number) : SEPARATOR;
      if (after >= WORD) return -1;
    } else if (next !== COLON && next >= WORD) {
      return -1;
    }
  }
  ipv4Valid = true;
  return (acc * 256 + cur) | 0;
}

/** Token bytes but the colon: a colon splits address candidates (`10.0.0.1:50010:Got`), not tokens. */
function inAddressRun(b: number): boolean {
  const cls = CLASS[b] as number;
  return cls >= WORD && cls !== COLON;
}

/**
 * The first dotted quad at or after `start`, run by run (token bytes between separators and
 * colons): the rare path, see scanMessage.
 */
function findIpv4(buf: Uint8Array, start: number, end: number, out: MessageScan): void {
  let tokenStart = start;
  let flags = 0;
  for (let i = start; i <= end; i++) {
    const b = i < end ? (buf[i] as number) : 32;
    if (inAddressRun(b)) {
      flags |= TOKEN_FLAGS[b] as number;
      continue;
    }
    if (flags === ADDRESS_LIKE) {
      const address = ipv4At(buf, tokenStart, end);
      if (ipv4Valid) {
        out.ipv4 = address;
        out.hasIpv4 = true;
        return;
      }
    }
    flags = 0;
    tokenStart = i + 1;
  }
}

export function referenceScanMessage(buf: Uint8Array, start: number, end: number, out: MessageScan): void {
  // h1 folds each token (or the mask) with the separator after it; h2 follows h1 at each
  // separator, which makes it an independent check at one multiplication per token.
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x1b873593 | 0;
  let token = 0;
  let flags = 0;
  // Address candidates are runs of token bytes split by colons too, so `10.0.0.1:50010:Got`
  // offers `10.0.0.1`; only the first address-shaped run is noted here, parsed after the loop.
  let runFlags = 0;
  let runStart = start;
  let candidate = -1;
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if ((CLASS[b] as number) >= WORD) {
      token = Math.imul(token ^ b, P1);
      flags |= TOKEN_FLAGS[b] as number;
    } else {
      h1 = Math.imul(h1 ^ ((flags & HAS_DIGIT) !== 0 ? MASKED_TOKEN : token) ^ (b << 24), P1);
      h2 = Math.imul(h2 ^ h1, P2);
      token = 0;
      flags = 0;
    }
    if (inAddressRun(b)) {
      runFlags |= TOKEN_FLAGS[b] as number;
    } else {
      if (runFlags === ADDRESS_LIKE && candidate < 0) candidate = runStart;
      runFlags = 0;
      runStart = i + 1;
    }
  }
  if (runFlags === ADDRESS_LIKE && candidate < 0) candidate = runStart;
  h1 = Math.imul(h1 ^ ((flags & HAS_DIGIT) !== 0 ? MASKED_TOKEN : token), P1);
  out.key1 = h1;
  out.key2 = Math.imul(h2 ^ h1, P2);
  out.hasIpv4 = false;
  if (candidate >= 0) {
    const address = ipv4At(buf, candidate, end);
    if (ipv4Valid) {
      out.ipv4 = address;
      out.hasIpv4 = true;
    } else {
      // An address-shaped run that is not one ("1.2.3", "1.2.3.4.5"): look past it.
      let next = candidate;
      while (next < end && inAddressRun(buf[next] as number)) next++;
      findIpv4(buf, next, end, out);
    }
  }
}
