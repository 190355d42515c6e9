/**
 * The per-line byte work of the log scan — a message's group key and first IPv4 address, the head
 * of an RFC 3164 line, and the line breaks of a chunk — runs in WebAssembly with SIMD
 * (app/logs/wasm/message-scan.as.ts, where the rules are spelt out): in JavaScript, one byte at a
 * time, it was most of the scan's time. This module loads the compiled module once per thread and
 * moves bytes in and results out.
 */

import { compileEmbedded, instantiate } from "../lib/webassembly";
import { shortLevelWords } from "./levels";
import { MESSAGE_SCAN_WASM } from "./wasm/message-scan.wasm";

/** What a message scan found; one instance is reused for every line. */
export interface MessageScan {
  /**
   * The two halves of a 64-bit hash of the masked message: equal for messages that differ only in
   * numbers and ids. `key1` indexes, `key2` tells the rare colliding groups apart.
   */
  key1: number;
  key2: number;
  /** First IPv4 address as a signed 32-bit integer; valid when `hasIpv4`. */
  ipv4: number;
  hasIpv4: boolean;
}

export function createMessageScan(): MessageScan {
  return { key1: 0, key2: 0, ipv4: 0, hasIpv4: false };
}

function instantiateScan(): ScanExports {
  return instantiate<ScanExports>("log analysis", compileEmbedded("log analysis", MESSAGE_SCAN_WASM));
}

interface ScanExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(start: number, end: number): number;
  syslogLine(start: number, end: number, scanBytes: number, countAddresses: number): number;
  rememberTimestamp(at: number, length: number): void;
  forgetTimestamp(): void;
  addressTableOffset(): number;
  addressTableCells(): number;
  clearAddresses(): void;
  groupTableOffset(): number;
  groupTableCells(): number;
  newGroupsOffset(): number;
  clearGroups(): void;
  levelTableOffset(): number;
  runOffset(): number;
  syslogRun(start: number, end: number, maxLineBytes: number, scanBytes: number): number;
  lineEnds(start: number, end: number): number;
  resultOffset(): number;
  lineEndsOffset(): number;
  lineEndsCapacity(): number;
  freeOffset(): number;
}

/**
 * What `scanSyslogLine` found in an RFC 3164 line besides its message, as offsets from the line's
 * start; one instance is reused for every line. The flags say which fields are set.
 */
export interface SyslogHead {
  flags: number;
  timeEnd: number;
  tagStart: number;
  bodyStart: number;
  /** After a 3–6 letter level-word candidate, and its letters packed (see levelFromPacked). */
  afterWord: number;
  word: number;
}

export function createSyslogHead(): SyslogHead {
  return { flags: 0, timeEnd: 0, tagStart: 0, bodyStart: 0, afterWord: 0, word: 0 };
}

/** `SyslogHead.flags`, as message-scan.as.ts returns them; 0 means the line was declined. */
export const SYSLOG_FAST = 1;
/** The line opens with the timestamp last handed to `rememberTimestamp`, then a space. */
export const SYSLOG_SAME_TIME = 2;
export const SYSLOG_ADDRESS = 4;
export const SYSLOG_SHORT_WORD = 8;
/** A 7–13 letter word opens the body: read it with readLevelWord. */
export const SYSLOG_LONG_WORD = 16;
/** The line's address was counted in the module's address table (see `claimTables`). */
export const SYSLOG_ADDRESS_COUNTED = 32;

/** Where the counts of the module's address and message-group tables go when they are moved out. */
export interface TableSink {
  addAddress(address: number, count: number): void;
  addGroup(key1: number, key2: number, count: number): void;
}

/** What `syslogRun` leaves in `ChunkScanner.run` (see message-scan.as.ts). */
export const RUN_STOP_END = 0;
export const RUN_STOP_REASON = 1;
export const RUN_LINES = 2;
export const RUN_PARSED = 3;
export const RUN_CRLF = 4;
export const RUN_EMPTY = 5;
export const RUN_NEW_GROUPS = 6;
export const RUN_LEVELS = 8;
/**
 * Stop reasons: a line for JavaScript, no whole line left, a table too full for a new key, the list
 * of new message groups full (label them and go on).
 */
export const STOP_LINE = 0;
export const STOP_END = 1;
export const STOP_FULL = 2;
export const STOP_LISTED = 3;

const PAGE = 65_536;
/** The module reads up to a block (64 bytes) past the end of what it scans. */
const READ_PAST = 64;

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/**
 * The compiled scan of one thread, with its memory laid out as: the module's own data, the
 * current chunk, then a scratch area for bytes that live elsewhere. A chunk is copied in once
 * (`load`) and its lines are then scanned in place; other bytes are copied per message.
 */
export class ChunkScanner {
  private readonly exports: ScanExports;
  private readonly chunkAt: number;
  private chunkCapacity = 0;
  private scratchCapacity = 0;
  private loaded: Uint8Array | null = null;
  private bytes!: Uint8Array;
  private result!: Int32Array;
  private ends!: Uint32Array;
  /** What the last `syslogRun` counted and where it stopped (RUN_* indexes). */
  run!: Int32Array;
  /** (key1, key2, message start, message end) of the groups the last `syslogRun` saw first. */
  private newGroups!: Int32Array;
  readonly lineEndsCapacity: number;

  constructor() {
    this.exports = instantiateScan();
    this.chunkAt = align(this.exports.freeOffset(), READ_PAST);
    this.lineEndsCapacity = this.exports.lineEndsCapacity();
    this.reserve(PAGE, 4096);
    fillLevelTable(new Uint32Array(this.exports.memory.buffer, this.exports.levelTableOffset(), 128));
  }

  private get scratchAt(): number {
    return this.chunkAt + this.chunkCapacity + READ_PAST;
  }

  /** Grows the memory (never shrinks) so a chunk and a scratch of these sizes fit. */
  private reserve(chunkBytes: number, scratchBytes: number): void {
    this.chunkCapacity = Math.max(this.chunkCapacity, align(chunkBytes, PAGE));
    this.scratchCapacity = Math.max(this.scratchCapacity, align(scratchBytes, 4096));
    const memory = this.exports.memory;
    const needed = this.scratchAt + this.scratchCapacity + READ_PAST;
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    // Growing detaches the old views.
    if (this.bytes?.buffer !== memory.buffer) {
      this.bytes = new Uint8Array(memory.buffer);
      this.result = new Int32Array(memory.buffer, this.exports.resultOffset(), 8);
      this.ends = new Uint32Array(memory.buffer, this.exports.lineEndsOffset(), this.lineEndsCapacity);
      this.run = new Int32Array(memory.buffer, this.exports.runOffset(), 16);
      this.newGroups = new Int32Array(memory.buffer, this.exports.newGroupsOffset(), 256 * 4);
    }
  }

  /** Copies `chunk` in: `scanMessage` on it then reads in place, `findLineEnds` finds its lines. */
  load(chunk: Uint8Array): void {
    if (chunk.length > this.chunkCapacity) this.reserve(chunk.length, 0);
    this.bytes.set(chunk, this.chunkAt);
    this.loaded = chunk;
  }

  /**
   * Finds the line breaks of the loaded chunk in [from, to), at most `lineEndsCapacity` of them
   * (when that many come back, call again after the last). Read them with `lineEnd(k)`.
   */
  findLineEnds(from: number, to: number): number {
    return this.exports.lineEnds(this.chunkAt + from, this.chunkAt + to);
  }

  /** The k-th line break found by the last `findLineEnds(from, …)`, as an offset from `from`. */
  lineEnd(k: number): number {
    return this.ends[k] as number;
  }

  /** Where `buf[start, end)` is in the module's memory: in place for the loaded chunk, else copied. */
  private place(buf: Uint8Array, start: number, end: number): number {
    if (buf === this.loaded) return this.chunkAt + start;
    // A line carried across chunks, a decoded JSON message, a followed line.
    if (end - start > this.scratchCapacity) this.reserve(0, end - start);
    this.bytes.set(buf.subarray(start, end), this.scratchAt);
    return this.scratchAt;
  }

  private readMessage(out: MessageScan, hasIpv4: boolean): void {
    const result = this.result;
    out.hasIpv4 = hasIpv4;
    out.key1 = result[0] as number;
    out.key2 = result[1] as number;
    out.ipv4 = result[2] as number;
  }

  /** Scans the message `buf[start, end)`. */
  scanMessage(buf: Uint8Array, start: number, end: number, out: MessageScan): void {
    const at = this.place(buf, start, end);
    this.readMessage(out, this.exports.scan(at, at + end - start) === 1);
  }

  /** Where the line of the last `scanSyslogLine` is in the module's memory. */
  private syslogAt = 0;

  /**
   * Reads the head of the RFC 3164 line `buf[start, end)` into `head` and scans its message (from
   * the tag, at most `scanBytes`) into `message`, unless it declines the line (`head.flags` 0).
   */
  scanSyslogLine(
    buf: Uint8Array,
    start: number,
    end: number,
    scanBytes: number,
    countAddresses: boolean,
    head: SyslogHead,
    message: MessageScan,
  ): void {
    const at = this.place(buf, start, end);
    this.syslogAt = at;
    const flags = this.exports.syslogLine(at, at + end - start, scanBytes, countAddresses ? 1 : 0);
    head.flags = flags;
    if (flags === 0) return;
    const result = this.result;
    head.timeEnd = result[3] as number;
    head.tagStart = result[4] as number;
    head.bodyStart = result[5] as number;
    head.afterWord = result[6] as number;
    head.word = result[7] as number;
    this.readMessage(message, (flags & SYSLOG_ADDRESS) !== 0);
  }

  /** The scanner whose timestamp is remembered: a thread's scanners share the module. */
  private timestampOwner: object | null = null;

  /**
   * Remembers the first `length` bytes of the last `scanSyslogLine` line as `owner`'s last
   * timestamp, so that lines repeating it come back with SYSLOG_SAME_TIME.
   */
  rememberTimestamp(owner: object, length: number): void {
    this.timestampOwner = owner;
    this.exports.rememberTimestamp(this.syslogAt, length);
  }

  /** Forgets another scanner's timestamp before `owner` scans its lines. */
  claimTimestamp(owner: object): void {
    if (this.timestampOwner === owner) return;
    this.timestampOwner = owner;
    this.exports.forgetTimestamp();
  }

  /**
   * Reads and counts whole lines of the loaded chunk from `from` to `to` in the module (see
   * syslogRun in message-scan.as.ts) until one needs JavaScript; returns the bytes consumed and
   * leaves the counts and the stop in `run`.
   */
  syslogRun(from: number, to: number, maxLineBytes: number, scanBytes: number): number {
    return this.exports.syslogRun(this.chunkAt + from, this.chunkAt + to, maxLineBytes, scanBytes);
  }

  /** The k-th group first seen by the last `syslogRun`: its keys and its message (chunk offsets). */
  newGroup(k: number, out: number[]): void {
    const entry = this.newGroups;
    out[0] = entry[4 * k] as number;
    out[1] = entry[4 * k + 1] as number;
    out[2] = (entry[4 * k + 2] as number) - this.chunkAt;
    out[3] = (entry[4 * k + 3] as number) - this.chunkAt;
  }

  /** Whose addresses and groups the module's tables count; they are moved out before another's. */
  private tableOwner: TableSink | null = null;

  /**
   * Makes the address and group tables count for `owner` (a scan's summaries): counting there, one
   * probe in a compact table, costs a fraction of a per-line call into the JavaScript summaries.
   * Another owner's counts are first moved out to it.
   */
  claimTables(owner: TableSink): void {
    if (this.tableOwner === owner) return;
    this.moveTables();
    this.tableOwner = owner;
  }

  /** Moves `owner`'s counts out of the tables (when they still hold them) and lets them go. */
  releaseTables(owner: TableSink): void {
    if (this.tableOwner !== owner) return;
    this.moveTables();
    this.tableOwner = null;
  }

  /** Moves the counts out to their owner and empties the tables (also when they fill up). */
  moveTables(): void {
    const owner = this.tableOwner;
    if (!owner) return;
    const { memory } = this.exports;
    const addresses = new Int32Array(
      memory.buffer,
      this.exports.addressTableOffset(),
      this.exports.addressTableCells() * 2,
    );
    for (let i = 0; i < addresses.length; i += 2) {
      const count = addresses[i + 1] as number;
      if (count !== 0) owner.addAddress(addresses[i] as number, count >>> 0);
    }
    this.exports.clearAddresses();
    const groups = new Int32Array(
      memory.buffer,
      this.exports.groupTableOffset(),
      this.exports.groupTableCells() * 4,
    );
    for (let i = 0; i < groups.length; i += 4) {
      const count = groups[i + 2] as number;
      if (count !== 0) owner.addGroup(groups[i] as number, groups[i + 1] as number, count >>> 0);
    }
    this.exports.clearGroups();
  }
}

/** The module's table of level words (see levelOf in message-scan.as.ts), from levels.ts's list. */
function fillLevelTable(cells: Uint32Array): void {
  for (const [packed, level] of shortLevelWords()) {
    let i = Math.imul(packed, 0x9e3779b1) >>> 26;
    while (cells[2 * i] !== 0) i = (i + 1) & 63;
    cells[2 * i] = packed;
    cells[2 * i + 1] = level;
  }
}

let threadScanner: ChunkScanner | undefined;

/** This thread's scanner: WebAssembly instances are per thread, and one is enough. */
export function chunkScanner(): ChunkScanner {
  threadScanner ??= new ChunkScanner();
  return threadScanner;
}

/** Scans one message (copied into the scanner's memory); the scan loop loads whole chunks instead. */
export function scanMessage(buf: Uint8Array, start: number, end: number, out: MessageScan): void {
  chunkScanner().scanMessage(buf, start, end, out);
}

// The display text is built in JavaScript: it runs once per message group, not per line. Token
// bytes as in the compiled scan: letters, digits, `_`, `-`, `.`, `:` and bytes >= 0x80.
const SEPARATOR = 0;
const CONTROL = 1;
const TOKEN = 2;

const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const alphanumeric = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
  const token = alphanumeric || b === 95 || b === 45 || b === 46 || b === 58 || b >= 128;
  CLASS[b] = token ? TOKEN : (b < 32 && b !== 9) || b === 127 ? CONTROL : SEPARATOR;
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
      if (b >= 48 && b <= 57) tokenDigit = true;
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
