/**
 * The log scan's per-line byte work, in AssemblyScript compiled to WebAssembly with SIMD (built by
 * `npm run build:wasm` into message-scan.wasm.ts; the JavaScript side is app/logs/message-scan.ts).
 * A 90-byte message cost ~140 ns in byte-at-a-time JavaScript; here 16 bytes are classified per
 * instruction and only the token boundaries are walked: ~75 ns, the call included.
 *
 * `scan` reads a message and leaves its group key and first IPv4 address in RESULT:
 * - tokens are runs of letters, digits, `_`, `-`, `.`, `:` and bytes >= 0x80; every other byte
 *   separates tokens. A token holding a digit is masked, so "user 17 timed out after 3021 ms" and
 *   "user 9 timed out after 15 ms" share a key. The key is a 64-bit hash of the sequence
 *   (token or mask, separator), handed out as two 32-bit halves.
 * - the address is the first token of digits and dots (a port's `:…` may follow, or a full stop)
 *   that reads as a dotted quad.
 * `syslogLine` reads the head of an RFC 3164 line (`Mar  7 14:03:22 host tag[pid]: LEVEL: …`) as
 * app/logs/parse-syslog.ts does, then scans its message: one call per line for the common shape.
 * It finds positions only; what they mean (the time, the level) is settled in JavaScript, which
 * also takes every line this path declines.
 * `syslogRun` goes further for a file scan without filters: it reads line after line and counts
 * those whose time and level are already known — the remembered timestamp, a level word from the
 * table JavaScript fills, below the error level — in its own tables (levels, message groups,
 * client addresses), and stops at the first line JavaScript must read. The tables' counts move
 * into the JavaScript summaries when the scan ends (or a table fills).
 * `lineEnds` finds the line breaks of a chunk.
 *
 * Every read may run up to 64 bytes past `end`: callers keep that much memory after their bytes.
 */

/**
 * key1 (i32) at +0, key2 (i32) at +4, the address (i32) at +8; from `syslogLine`, offsets from the
 * line's start: the timestamp's end +12, the tag +16, the body +20, after the level word +24, and
 * the level word's letters packed five bits each +28.
 */
const RESULT: usize = memory.data(32, 16);

/**
 * Client-address counts of `syslogLine`: 2^17 cells of (address, count), open addressing with
 * linear probing, a count of 0 marking an empty cell. Three quarters full, it takes no new address
 * (the caller counts that one) until the caller has moved the counts out and cleared it.
 */
const ADDRESS_CELLS: u32 = 1 << 17;
const ADDRESS_TABLE: usize = memory.data(<i32>ADDRESS_CELLS * 8, 16);
const ADDRESS_TABLE_FULL: u32 = (ADDRESS_CELLS >> 2) * 3;
let addressKeys: u32 = 0;

export function addressTableOffset(): usize {
  return ADDRESS_TABLE;
}

export function addressTableCells(): u32 {
  return ADDRESS_CELLS;
}

export function clearAddresses(): void {
  memory.fill(ADDRESS_TABLE, 0, <usize>ADDRESS_CELLS * 8);
  addressKeys = 0;
}

/** Counts one line's address; false when the table is too full to take a new one. */
function countAddress(address: u32): bool {
  // fmix32: addresses are far from uniform in their low bits.
  let h = address;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  let i = h & (ADDRESS_CELLS - 1);
  let cell = ADDRESS_TABLE + (<usize>i << 3);
  let count = load<u32>(cell, 4);
  while (count != 0 && load<u32>(cell) != address) {
    i = (i + 1) & (ADDRESS_CELLS - 1);
    cell = ADDRESS_TABLE + (<usize>i << 3);
    count = load<u32>(cell, 4);
  }
  if (count == 0) {
    if (addressKeys >= ADDRESS_TABLE_FULL) return false;
    store<u32>(cell, address);
    addressKeys++;
  }
  store<u32>(cell, count + 1, 4);
  return true;
}

/**
 * Message-group counts of `syslogRun`: 2^13 cells of (key1, key2, count, unused), open addressing
 * on key1. A group first seen is also listed in NEW_GROUPS with where its message is, so the
 * caller can label it from the chunk before the next one replaces it.
 */
const GROUP_CELLS: u32 = 1 << 13;
const GROUP_TABLE: usize = memory.data(<i32>GROUP_CELLS * 16, 16);
const GROUP_TABLE_FULL: u32 = (GROUP_CELLS >> 2) * 3;
let groupKeys: u32 = 0;
/** (key1, key2, message start, message end) of each group first seen by the last `syslogRun`. */
const NEW_GROUPS_CAPACITY: u32 = 256;
const NEW_GROUPS: usize = memory.data(<i32>NEW_GROUPS_CAPACITY * 16, 16);

export function groupTableOffset(): usize {
  return GROUP_TABLE;
}

export function groupTableCells(): u32 {
  return GROUP_CELLS;
}

export function newGroupsOffset(): usize {
  return NEW_GROUPS;
}

export function clearGroups(): void {
  memory.fill(GROUP_TABLE, 0, <usize>GROUP_CELLS * 16);
  groupKeys = 0;
}

/** Counts a line of the group (key1, key2); the caller has made sure a new group fits. */
function countGroup(key1: u32, key2: u32, messageStart: usize, messageEnd: usize, listed: u32): u32 {
  let h = key1;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  let i = h & (GROUP_CELLS - 1);
  let cell = GROUP_TABLE + (<usize>i << 4);
  let count = load<u32>(cell, 8);
  while (count != 0 && (load<u32>(cell) != key1 || load<u32>(cell, 4) != key2)) {
    i = (i + 1) & (GROUP_CELLS - 1);
    cell = GROUP_TABLE + (<usize>i << 4);
    count = load<u32>(cell, 8);
  }
  if (count == 0) {
    store<u32>(cell, key1);
    store<u32>(cell, key2, 4);
    groupKeys++;
    const entry = NEW_GROUPS + (<usize>listed << 4);
    store<u32>(entry, key1);
    store<u32>(entry, key2, 4);
    store<u32>(entry, <u32>messageStart, 8);
    store<u32>(entry, <u32>messageEnd, 12);
    listed++;
  }
  store<u32>(cell, count + 1, 8);
  return listed;
}

/**
 * Level codes of the 3–6 letter level words by their packed letters, filled by the caller from
 * app/logs/levels.ts (the one list of level words): 64 cells of (packed, level), open addressing
 * on `packed * 0x9e3779b1 >> 26`, packed 0 marking an empty cell.
 */
const LEVEL_CELLS: u32 = 64;
const LEVEL_TABLE: usize = memory.data(<i32>LEVEL_CELLS * 8, 16);

export function levelTableOffset(): usize {
  return LEVEL_TABLE;
}

/** The level of a packed word, or -1 when it names none. */
function levelOf(packed: u32): i32 {
  let i = (packed * 0x9e3779b1) >> 26;
  let key = load<u32>(LEVEL_TABLE + (<usize>i << 3));
  while (key != packed && key != 0) {
    i = (i + 1) & (LEVEL_CELLS - 1);
    key = load<u32>(LEVEL_TABLE + (<usize>i << 3));
  }
  return key == 0 ? -1 : load<i32>(LEVEL_TABLE + (<usize>i << 3), 4);
}

/** The last timestamp the caller parsed (up to 32 bytes): `syslogLine` tells when a line repeats it. */
const TIMESTAMP: usize = memory.data(32, 16);
let timestampLength: i32 = 0;

/** Line-break offsets found by one `lineEnds` call. */
const LINE_ENDS_CAPACITY: i32 = 16384;
const LINE_ENDS: usize = memory.data(LINE_ENDS_CAPACITY * 4, 16);

export function resultOffset(): usize {
  return RESULT;
}

export function lineEndsOffset(): usize {
  return LINE_ENDS;
}

export function lineEndsCapacity(): i32 {
  return LINE_ENDS_CAPACITY;
}

/** Where memory that the module does not use begins. */
export function freeOffset(): usize {
  return __heap_base;
}

const P: u64 = 0x9e3779b97f4a7c15;
/** What a number-bearing token contributes, whatever its digits. */
const MASKED: u64 = 0x2a2a2a2a2a2a2a2a;

@inline
function mix(h: u64, x: u64): u64 {
  h = (h ^ x) * P;
  return h ^ (h >> 29);
}

/** Hash of the token bytes [a, q), eight at a time (token bytes are never 0, so padding is). */
@inline
function tokenHash(a: usize, q: usize): u64 {
  let len = q - a;
  if (len == 0) return 0;
  let t: u64 = 0;
  while (len > 8) {
    t = (t ^ load<u64>(a)) * P;
    a += 8;
    len -= 8;
  }
  return (t ^ (load<u64>(a) & (~(<u64>0) >> (<u64>(8 - len) * 8)))) * P;
}

@inline
function isTokenByte(b: u32): bool {
  return b - 48 <= 9 || (b | 32) - 97 <= 25 || b >= 128 || b == 95 || b == 45 || b == 46 || b == 58;
}

/** The value of the 1–3 digit octet at `at` (`length` digits, already checked). */
@inline
function octet(at: usize, length: u32): u32 {
  const d0 = <u32>load<u8>(at) - 48;
  const d1 = <u32>load<u8>(at + 1) - 48;
  const d2 = <u32>load<u8>(at + 2) - 48;
  return select<u32>(d0, select<u32>(d0 * 10 + d1, d0 * 100 + d1 * 10 + d2, length == 2), length == 1);
}

/**
 * Reads a dotted quad at `i` that ends its run (a separator, a colon or a sentence's full stop
 * may follow). Returns the address as an i64 (-1 when it is none). The 15 bytes a quad
 * can take are classified at once; the octets' places come from the masks.
 */
function ipv4At(i: usize, end: usize): i64 {
  const v = v128.load(i);
  const available = end - i;
  const inside: u32 = available >= 16 ? 0xffff : (<u32>1 << <u32>available) - 1;
  const digits = <u32>i8x16.bitmask(i8x16.le_u(i8x16.sub(v, i8x16.splat(0x30)), i8x16.splat(9))) & inside;
  const dots = <u32>i8x16.bitmask(i8x16.eq(v, i8x16.splat(0x2e))) & inside;
  // The first three dots are found at once rather than octet after octet (a shorter chain of
  // dependent instructions), then the digits after the third.
  const d1 = <u32>ctz(dots);
  const r1 = dots & (dots - 1);
  const d2 = <u32>ctz(r1);
  const d3 = <u32>ctz(r1 & (r1 - 1));
  if (d3 >= 15) return -1;
  const a2 = d1 + 1;
  const a3 = d2 + 1;
  const a4 = d3 + 1;
  const l1 = d1;
  const l2 = d2 - a2;
  const l3 = d3 - a3;
  const l4 = <u32>ctz(~(digits >> a4));
  const quad = (<u32>1 << (a4 + l4)) - 1;
  // Each octet 1–3 digits, and nothing but digits and those dots in the quad.
  const badLength = (l1 - 1 >= 3) | (l2 - 1 >= 3) | (l3 - 1 >= 3) | (l4 - 1 >= 3);
  if (badLength | (((digits | dots) & quad) != quad)) return -1;
  const o1 = octet(i, l1);
  const o2 = octet(i + a2, l2);
  const o3 = octet(i + a3, l3);
  const o4 = octet(i + a4, l4);
  if ((o1 | o2 | o3 | o4) > 255) return -1;
  const after = <usize>(a4 + l4);
  if (after < available) {
    const next = <u32>load<u8>(i + after);
    if (next == 46) {
      // "from 10.0.0.1." is a full stop; "10.0.0.1.5" is not an address.
      if (after + 1 < available && isTokenByte(<u32>load<u8>(i + after + 1))) return -1;
    } else if (next != 58 && isTokenByte(next)) {
      return -1;
    }
  }
  return <i64>((o1 << 24) | (o2 << 16) | (o3 << 8) | o4);
}

/**
 * Marks the separator after each run of token bits `t` that holds a bit of `f`: adding `f` to a
 * run of ones carries exactly one bit out of the run, into the separator after it. `cin` is the
 * carry of a run that began in the previous block.
 */
@inline
function runEnds(t: u64, f: u64, cin: u64): u64 {
  return (t + f + cin) & ~t;
}

/** The carry out of the block: the run touching bit 63 holds a bit of `f`. */
@inline
function runCarry(t: u64, f: u64, cin: u64): u64 {
  const s1 = t + f;
  const s2 = s1 + cin;
  return <u64>(s1 < t) | <u64>(s2 < s1);
}

/** Scans the message [start, end); returns 1 when it holds an IPv4 address. */
export function scan(start: usize, end: usize): i32 {
  return scanMessage(start, end);
}

function scanMessage(start: usize, end: usize): i32 {
  let h: u64 = 0xcbf29ce484222325;
  let tokenStart = start;
  // Whether the run that crosses into the next block holds a digit, a letter-like byte, a dot.
  let carryDigit: u64 = 0;
  let carryWord: u64 = 0;
  let carryDot: u64 = 0;
  let lastDigit: u64 = 0;
  // Address candidates are runs of token bytes split by colons as well (`10.0.0.1:50010:Got`
  // offers `10.0.0.1`), with their own carries and start.
  let runStart = start;
  let runDigit: u64 = 0;
  let runWord: u64 = 0;
  let runDot: u64 = 0;
  let address: i64 = -1;
  const c30 = i8x16.splat(0x30);
  const c9 = i8x16.splat(9);
  const c20 = i8x16.splat(0x20);
  const c61 = i8x16.splat(0x61);
  const c25 = i8x16.splat(25);
  const underscore = i8x16.splat(0x5f);
  const hyphen = i8x16.splat(0x2d);
  const dotByte = i8x16.splat(0x2e);
  const colon = i8x16.splat(0x3a);
  const zero = i8x16.splat(0);
  for (let p = start; p < end; p += 64) {
    // One bit per byte of the 64-byte block: token, digit, letter-like, dot.
    let tok: u64 = 0;
    let digit: u64 = 0;
    let word: u64 = 0;
    let dot: u64 = 0;
    let col: u64 = 0;
    const n = end - p;
    const vectors: u64 = n >= 64 ? 4 : (<u64>n + 15) >> 4;
    for (let k: u64 = 0; k < vectors; k++) {
      const v = v128.load(p + <usize>(k << 4));
      const d = i8x16.le_u(i8x16.sub(v, c30), c9);
      const letter = i8x16.le_u(i8x16.sub(v128.or(v, c20), c61), c25);
      const w = v128.or(
        v128.or(letter, i8x16.lt_s(v, zero)),
        v128.or(i8x16.eq(v, underscore), i8x16.eq(v, hyphen)),
      );
      const dt = i8x16.eq(v, dotByte);
      const cl = i8x16.eq(v, colon);
      const t = v128.or(v128.or(w, d), v128.or(dt, cl));
      const shift = k << 4;
      col |= (<u64>i8x16.bitmask(cl)) << shift;
      tok |= (<u64>i8x16.bitmask(t)) << shift;
      digit |= (<u64>i8x16.bitmask(d)) << shift;
      word |= (<u64>i8x16.bitmask(w)) << shift;
      dot |= (<u64>i8x16.bitmask(dt)) << shift;
    }
    const valid: u64 = n >= 64 ? ~(<u64>0) : (<u64>1 << <u64>n) - 1;
    tok &= valid;
    digit &= valid;
    word &= valid;
    dot &= valid;
    const separators = ~tok & valid;
    // Bit i: the token ending just before byte i holds a digit (bit n: the last token does).
    const digitEnds = runEnds(tok, digit, carryDigit);
    if (address < 0) {
      const run = tok & ~col;
      const runSeparators = ~run & valid;
      let candidates =
        runEnds(run, digit, runDigit) & runEnds(run, dot, runDot) & ~runEnds(run, word, runWord);
      while (candidates != 0 && address < 0) {
        const bit = ctz(candidates);
        const before = runSeparators & ((<u64>1 << bit) - 1);
        const from = before != 0 ? p + <usize>(64 - clz(before)) : runStart;
        address = ipv4At(from, end);
        candidates &= candidates - 1;
      }
      runDigit = runCarry(run, digit, runDigit);
      runWord = runCarry(run, word, runWord);
      runDot = runCarry(run, dot, runDot);
      if (runSeparators != 0) runStart = p + <usize>(64 - clz(runSeparators));
    }
    carryDigit = runCarry(tok, digit, carryDigit);
    carryWord = runCarry(tok, word, carryWord);
    carryDot = runCarry(tok, dot, carryDot);
    lastDigit = n >= 64 ? carryDigit : (digitEnds >> <u64>n) & 1;
    let sep = separators;
    while (sep != 0) {
      const bit = ctz(sep);
      const q = p + <usize>bit;
      const token = (digitEnds >> bit) & 1 ? MASKED : tokenHash(tokenStart, q);
      h = mix(h, token ^ (<u64>load<u8>(q) << 56));
      tokenStart = q + 1;
      sep &= sep - 1;
    }
  }
  // A last token that fills its block to the end shows only in the carries.
  if (address < 0 && runDigit && runDot && !runWord) address = ipv4At(runStart, end);
  h = mix(h, tokenStart < end ? (lastDigit ? MASKED : tokenHash(tokenStart, end)) : 0);
  // fmix64: every bit of both halves depends on every input bit.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  h ^= h >> 33;
  store<i32>(RESULT, <i32>h);
  store<i32>(RESULT + 4, <i32>(h >> 32));
  store<i32>(RESULT + 8, <i32>address);
  return address >= 0 ? 1 : 0;
}

/** What `syslogLine` returns: 0 declines the line; otherwise FAST and any of the others. */
const FAST: i32 = 1;
/** The timestamp's bytes are the remembered ones (`rememberTimestamp`), followed by a space. */
const SAME_TIME: i32 = 2;
const ADDRESS: i32 = 4;
/** A 3–6 letter word, ended as a level word must be, opens the body: its letters are at +28. */
const SHORT_WORD: i32 = 8;
/** A 7–13 letter word does: the caller reads it (the long level words are few and rare). */
const LONG_WORD: i32 = 16;
/** The address was counted in the address table (asked for with `countAddresses`). */
const ADDRESS_COUNTED: i32 = 32;

/** Remembers the `length` bytes at `at` as the last timestamp parsed (more than 32: none). */
export function rememberTimestamp(at: usize, length: i32): void {
  v128.store(TIMESTAMP, v128.load(at));
  v128.store(TIMESTAMP + 16, v128.load(at + 16));
  timestampLength = length <= 32 ? length : 0;
}

export function forgetTimestamp(): void {
  timestampLength = 0;
}

/** The line at `i` opens with the remembered timestamp and a space. */
@inline
function sameTimestamp(i: usize, end: usize): bool {
  const length = timestampLength;
  if (length == 0 || i + <usize>length >= end || load<u8>(i + <usize>length) != 32) return false;
  const low = <u32>i8x16.bitmask(i8x16.ne(v128.load(i), v128.load(TIMESTAMP)));
  const high = <u32>i8x16.bitmask(i8x16.ne(v128.load(i + 16), v128.load(TIMESTAMP + 16)));
  const inside: u64 = (<u64>1 << <u64>length) - 1;
  return ((<u64>low | (<u64>high << 16)) & inside) == 0;
}

@inline
function isDigit(b: u32): bool {
  return b - 48 <= 9;
}

/**
 * Where an RFC 3164 timestamp at `i` (`Mar  7 14:03:22`, `Mar 17 14:03:22.123`) ends, by its shape
 * alone; 0 when it has not that shape. The caller parses its value, and whenever that succeeds the
 * end is the same.
 */
function bsdTimestampEnd(i: usize, end: usize): usize {
  if (end - i < 14 || load<u8>(i + 3) != 32) return 0;
  let j = i + 4;
  if (load<u8>(j) == 32) j++;
  if (!isDigit(load<u8>(j))) return 0;
  j++;
  if (isDigit(load<u8>(j))) j++;
  if (load<u8>(j) != 32 || j + 9 > end || load<u8>(j + 3) != 58 || load<u8>(j + 6) != 58) return 0;
  j += 9;
  if (j < end && load<u8>(j) == 46) {
    j++;
    while (j < end && isDigit(load<u8>(j))) j++;
  }
  return j;
}

/** The first space (or, with `colon`, space or `:`) in [p, end), or `end`; 16 bytes at a time. */
@inline
function firstStop(p: usize, end: usize, colon: bool): usize {
  const space = i8x16.splat(32);
  const colonByte = i8x16.splat(58);
  for (; p < end; p += 16) {
    const v = v128.load(p);
    let stops = i8x16.eq(v, space);
    if (colon) stops = v128.or(stops, i8x16.eq(v, colonByte));
    const bits = <u32>i8x16.bitmask(stops);
    if (bits != 0) {
      const at = p + <usize>ctz(bits);
      return at < end ? at : end;
    }
  }
  return end;
}

/** A byte that may end a level word: space, `:`, `]`, `>`, `)`, tab, `|`, `,`. */
@inline
function endsLevelWord(c: u32): bool {
  return c == 32 || c == 58 || c == 93 || c == 62 || c == 41 || c == 9 || c == 124 || c == 44;
}

/**
 * Finds a level word at `i` (`ERROR`, `[warn]`, `<info>`, `ERROR:`) as app/logs/level-word.ts
 * reads it and stores its letters and where the text after it starts; returns SHORT_WORD,
 * LONG_WORD or 0. Whether the letters name a level is for the caller. Offsets are from `lineStart`.
 */
function levelWord(i: usize, end: usize, lineStart: usize): i32 {
  let j = i;
  const open = <u32>load<u8>(j);
  if (open == 91 || open == 60 || open == 40) j++;
  const wordStart = j;
  if (wordStart >= end) return 0;
  const lower = v128.or(v128.load(wordStart), i8x16.splat(0x20));
  const letters = <u32>i8x16.bitmask(i8x16.le_u(i8x16.sub(lower, i8x16.splat(0x61)), i8x16.splat(25)));
  // At most 14 letters are read, as the JavaScript reader stops there.
  const available = end - wordStart;
  let length = <usize>ctz(~letters);
  if (length > available) length = available;
  j = wordStart + length;
  if (length < 3 || length > 13 || (j < end && !endsLevelWord(<u32>load<u8>(j)))) return 0;
  if (length > 6) return LONG_WORD;
  // Six letters packed (a = 1), then the ones past the word shifted out.
  const x = load<u64>(wordStart) | 0x2020202020202020;
  let packed: u64 = 0;
  packed |= ((x & 0xff) - 96) << 25;
  packed |= (((x >> 8) & 0xff) - 96) << 20;
  packed |= (((x >> 16) & 0xff) - 96) << 15;
  packed |= select<u64>((((x >> 24) & 0xff) - 96) << 10, 0, length > 3);
  packed |= select<u64>((((x >> 32) & 0xff) - 96) << 5, 0, length > 4);
  packed |= select<u64>(((x >> 40) & 0xff) - 96, 0, length > 5);
  packed >>= <u64>(6 - length) * 5;
  if (j < end) {
    const c = <u32>load<u8>(j);
    if (c == 93 || c == 62 || c == 41) j++;
  }
  if (j < end && load<u8>(j) == 58) j++;
  while (j < end && (load<u8>(j) == 32 || load<u8>(j) == 9)) j++;
  store<i32>(RESULT + 24, <i32>(j - lineStart));
  store<u32>(RESULT + 28, <u32>packed);
  return SHORT_WORD;
}

/**
 * Reads the RFC 3164 line [start, end) — timestamp, host, `tag[pid]:`, an optional level word —
 * and scans its message (from the tag, at most `scanBytes`), as parseSyslogLine and the scan loop
 * do; with `countAddresses`, counts its address in the address table when its timestamp is the
 * remembered one. Lines with a PRI or an ISO
 * timestamp, or not of this shape, are declined (0).
 */
export function syslogLine(start: usize, end: usize, scanBytes: usize, countAddresses: i32): i32 {
  const first = <u32>load<u8>(start);
  if (first == 60 || isDigit(first)) return 0;
  let flags = FAST;
  let i: usize;
  if (sameTimestamp(start, end)) {
    i = start + <usize>timestampLength;
    flags |= SAME_TIME;
  } else {
    i = bsdTimestampEnd(start, end);
    if (i == 0 || i >= end || load<u8>(i) != 32) return 0;
  }
  store<i32>(RESULT + 12, <i32>(i - start));
  i++;
  // HOSTNAME then TAG: `host app[12]: msg`; a lone `app[12]: msg` (no host) also occurs.
  let j = firstStop(i, end, false);
  let tagStart = i;
  if (j > i && load<u8>(j - 1) != 58) tagStart = j + 1;
  const k = firstStop(tagStart, end, true);
  if (k < end && load<u8>(k) == 58 && k > tagStart) {
    j = k + 1;
    if (load<u8>(j) == 32) j++;
  } else {
    j = tagStart;
  }
  if (tagStart > end) tagStart = end;
  if (j > end) j = end;
  store<i32>(RESULT + 16, <i32>(tagStart - start));
  store<i32>(RESULT + 20, <i32>(j - start));
  flags |= levelWord(j, end, start);
  const scanEnd = end - tagStart > scanBytes ? tagStart + scanBytes : end;
  if (scanMessage(tagStart, scanEnd)) {
    flags |= ADDRESS;
    // Only a line with the remembered timestamp is sure to be taken: the caller may still reject
    // a new timestamp (and then reads the line itself).
    if (countAddresses && flags & SAME_TIME && countAddress(load<u32>(RESULT + 8))) flags |= ADDRESS_COUNTED;
  }
  return flags;
}

/** What `syslogRun` leaves in RUN (i32 each). */
const RUN: usize = memory.data(64, 16);
/** Offset (from `start`) of the line break ending the line the run stopped at; -1: no whole line left. */
const RUN_STOP_END: usize = RUN;
/** Why it stopped: a line for the caller, no whole line left, or a table too full for a new key. */
const RUN_STOP_REASON: usize = RUN + 4;
const RUN_LINES: usize = RUN + 8;
const RUN_PARSED: usize = RUN + 12;
const RUN_CRLF: usize = RUN + 16;
const RUN_EMPTY: usize = RUN + 20;
const RUN_NEW_GROUPS: usize = RUN + 24;
/** Lines counted at each level (8 of them, levels.ts's codes). */
const RUN_LEVELS: usize = RUN + 32;

const STOP_LINE: i32 = 0;
const STOP_END: i32 = 1;
const STOP_FULL: i32 = 2;
/** NEW_GROUPS is full: the caller labels them and calls again. */
const STOP_LISTED: i32 = 3;
const LEVEL_ERROR: i32 = 6;

export function runOffset(): usize {
  return RUN;
}

/** The first line break in [p, end), or `end`; 16 bytes at a time. */
@inline
function nextNewline(p: usize, end: usize): usize {
  const newline = i8x16.splat(10);
  for (; p < end; p += 16) {
    const bits = <u32>i8x16.bitmask(i8x16.eq(v128.load(p), newline));
    if (bits != 0) {
      const at = p + <usize>ctz(bits);
      return at < end ? at : end;
    }
  }
  return end;
}

/**
 * Reads and counts, from `start`, the lines a file scan without filters can count without
 * JavaScript: RFC 3164 lines that `syslogLine` reads, with the remembered timestamp, below the
 * error level (whose error type JavaScript reads), and with a level word of at most six letters or
 * none; empty lines too. Their levels, message groups and client addresses are counted here.
 * Stops at the first other line (which the caller reads, then calls again after it), at the end
 * of the whole lines, or when a table could not take a new key (the caller moves the counts out
 * and calls again). Returns the bytes consumed.
 */
export function syslogRun(start: usize, end: usize, maxLineBytes: usize, scanBytes: usize): i32 {
  memory.fill(RUN, 0, 64);
  let p = start;
  let lines: i32 = 0;
  let parsed: i32 = 0;
  let crlf: i32 = 0;
  let empty: i32 = 0;
  let listed: u32 = 0;
  let reason = STOP_END;
  let stopEnd: i32 = -1;
  for (;;) {
    const newline = nextNewline(p, end);
    if (newline >= end) {
      reason = STOP_END;
      stopEnd = -1;
      break;
    }
    // Whatever this line brings must fit: then nothing counted needs taking back.
    if (addressKeys >= ADDRESS_TABLE_FULL || groupKeys >= GROUP_TABLE_FULL || listed >= NEW_GROUPS_CAPACITY) {
      reason = listed >= NEW_GROUPS_CAPACITY ? STOP_LISTED : STOP_FULL;
      stopEnd = <i32>(newline - start);
      break;
    }
    reason = STOP_LINE;
    stopEnd = <i32>(newline - start);
    if (newline - p > maxLineBytes) break;
    let lineEnd = newline;
    const cr = lineEnd > p && load<u8>(lineEnd - 1) == 13;
    if (cr) lineEnd--;
    if (lineEnd == p) {
      lines++;
      empty++;
      if (cr) crlf++;
      p = newline + 1;
      continue;
    }
    const flags = syslogLine(p, lineEnd, scanBytes, 0);
    if ((flags & SAME_TIME) == 0 || flags & LONG_WORD) break;
    let level = 0;
    if (flags & SHORT_WORD) {
      level = levelOf(load<u32>(RESULT + 28));
      if (level < 0) level = 0;
    }
    if (level >= LEVEL_ERROR) break;
    const tagStart = p + <usize>load<i32>(RESULT + 16);
    const scanEnd = lineEnd - tagStart > scanBytes ? tagStart + scanBytes : lineEnd;
    listed = countGroup(load<u32>(RESULT), load<u32>(RESULT + 4), tagStart, scanEnd, listed);
    if (flags & ADDRESS) countAddress(load<u32>(RESULT + 8));
    lines++;
    parsed++;
    if (cr) crlf++;
    const levelCell = RUN_LEVELS + (<usize>level << 2);
    store<i32>(levelCell, load<i32>(levelCell) + 1);
    p = newline + 1;
  }
  store<i32>(RUN_STOP_END, stopEnd);
  store<i32>(RUN_STOP_REASON, reason);
  store<i32>(RUN_LINES, lines);
  store<i32>(RUN_PARSED, parsed);
  store<i32>(RUN_CRLF, crlf);
  store<i32>(RUN_EMPTY, empty);
  store<i32>(RUN_NEW_GROUPS, <i32>listed);
  return <i32>(p - start);
}

/**
 * Writes the offsets (from `start`) of the line breaks in [start, end) to LINE_ENDS, at most
 * LINE_ENDS_CAPACITY of them; returns how many. A full buffer means: call again after the last.
 */
export function lineEnds(start: usize, end: usize): i32 {
  let count = 0;
  const newline = i8x16.splat(10);
  // 64 bytes a step: one branch per block rather than per 16 bytes (a line is ~100 bytes).
  for (let p = start; p < end; p += 64) {
    let bits: u64 =
      <u64>i8x16.bitmask(i8x16.eq(v128.load(p), newline)) |
      (<u64>i8x16.bitmask(i8x16.eq(v128.load(p + 16), newline)) << 16) |
      (<u64>i8x16.bitmask(i8x16.eq(v128.load(p + 32), newline)) << 32) |
      (<u64>i8x16.bitmask(i8x16.eq(v128.load(p + 48), newline)) << 48);
    const n = end - p;
    if (n < 64) bits &= (<u64>1 << <u64>n) - 1;
    while (bits != 0) {
      store<u32>(LINE_ENDS + (<usize>count << 2), <u32>(p - start) + <u32>ctz(bits));
      if (++count == LINE_ENDS_CAPACITY) return count;
      bits &= bits - 1;
    }
  }
  return count;
}
