import { exceptionNameStart, isContinuationLine } from "./continuation";
import { errorTypeAt } from "./error-type";
import { hasMultiLineEntries } from "./formats";
import { readLevelWord } from "./level-word";
import { isErrorLevel, levelFromPacked } from "./levels";
import type { LineFilter } from "./line-filter";
import {
  chunkScanner,
  createMessageScan,
  createSyslogHead,
  maskedMessage,
  RUN_CRLF,
  RUN_EMPTY,
  RUN_LEVELS,
  RUN_LINES,
  RUN_NEW_GROUPS,
  RUN_PARSED,
  RUN_STOP_END,
  RUN_STOP_REASON,
  STOP_FULL,
  STOP_LISTED,
  SYSLOG_ADDRESS_COUNTED,
  SYSLOG_LONG_WORD,
  SYSLOG_SAME_TIME,
  SYSLOG_SHORT_WORD,
  type TableSink,
} from "./message-scan";
import { parseSyslogLine } from "./parse-syslog";
import { createParsedLine, type LineParser, type ParseContext, resetParsedLine } from "./parsed-line";
import type { FileTally, ScanState } from "./scan-state";
import { parseBsdTimestamp } from "./timestamps";

export interface ScannerLimits {
  /** Bytes of one line that are read; the rest of a longer line is skipped (and counted). */
  maxLineBytes: number;
  /** Bytes of a message scanned for its group key and client IP. */
  messageScanBytes: number;
}

export const DEFAULT_SCANNER_LIMITS: ScannerLimits = { maxLineBytes: 65_536, messageScanBytes: 1024 };

/**
 * Splits byte chunks into lines and feeds each to the format parser and the accumulators.
 * Each chunk is copied once into the compiled scanner, which finds its line breaks and scans its
 * messages in place; only a line cut by a chunk boundary is copied, into a carry buffer capped
 * at `maxLineBytes`, so a 10 MB line costs 64 KiB of memory. RFC 3164 syslog takes two faster
 * paths through the compiled scanner: each line's head is read there (readSyslogHead), and in a
 * file scan without filters whole runs of ordinary lines are counted there (pushRuns); the
 * parser remains the reference both are tested against.
 */
export class LineScanner implements TableSink {
  private readonly parsed = createParsedLine();
  private readonly message = createMessageScan();
  private readonly bytes = chunkScanner();
  /** Syslog lines of the common shape are read by the compiled scan (see readSyslogHead). */
  private readonly compiledSyslog: boolean;
  /**
   * The compiled scan also counts their client addresses — and, reading runs of lines on its own
   * (see pushRuns), their levels and message groups — until `finish` moves the counts into the
   * summary: only in a batch scan, and when no filter could drop a line after the scan has read it.
   */
  private readonly addressesInModule: boolean;
  /** Labels of the message groups the module's table saw first, until the groups move out. */
  private readonly groupLabels = new Map<string, string>();
  private readonly newGroup = [0, 0, 0, 0];
  private readonly syslogHead = createSyslogHead();
  /** The time of the timestamp the compiled scan remembers for this scanner. */
  private lastTs = Number.NaN;
  private readonly afterWord = [0];
  /**
   * Consecutive lines with the same timestamp, counted in the time buckets together when the time
   * changes (and by `settle`): most lines of a busy log share their second with the previous one.
   */
  private runTs = Number.NaN;
  private runLines = 0;
  private runErrors = 0;
  private readonly keepsEveryLine: boolean;
  /**
   * Entries may span lines (generic format: a Java stack trace after its log line). A line that
   * does not parse but continues the entry before it (continuation.ts) is counted `continuation`,
   * and an error entry's type waits in `pendingType` for the exception its trace names.
   */
  private readonly multiLine: boolean;
  private afterEntry = false;
  private pendingType: string | null = null;
  private pendingFromTrace = false;
  private readonly carry: Buffer;
  private carryLength = 0;
  private carryOversized = false;

  constructor(
    private readonly parse: LineParser,
    private readonly context: ParseContext,
    private readonly filter: LineFilter,
    private readonly state: ScanState,
    private readonly tally: FileTally,
    private readonly limits: ScannerLimits = DEFAULT_SCANNER_LIMITS,
    /**
     * The caller ends the input with `finish` before it reads the state (a file scan, not a live
     * feed): the compiled scan may then count client addresses in its own table until `finish`.
     */
    batch = false,
  ) {
    this.carry = Buffer.allocUnsafe(limits.maxLineBytes);
    this.compiledSyslog = parse === parseSyslogLine;
    this.keepsEveryLine = filter.keepsEveryLine;
    this.multiLine = hasMultiLineEntries(parse);
    this.addressesInModule = batch && this.compiledSyslog && this.keepsEveryLine;
  }

  /**
   * The input starts inside the file (a byte range after the first): its first lines may continue
   * an entry the previous range read.
   */
  resumeMidFile(): void {
    this.afterEntry = this.multiLine;
  }

  /** Feeds the next bytes of the input. The chunk may be reused by the caller afterwards. */
  push(chunk: Buffer): void {
    const length = chunk.length;
    this.tally.counters.bytes += length;
    this.filter.newChunk();
    const bytes = this.bytes;
    bytes.load(chunk);
    if (this.addressesInModule) {
      this.pushRuns(chunk);
      return;
    }
    let pos = 0;
    for (;;) {
      const from = pos;
      const count = bytes.findLineEnds(from, length);
      for (let k = 0; k < count; k++) {
        const newline = from + bytes.lineEnd(k);
        if (pos === 0 && (this.carryLength > 0 || this.carryOversized)) {
          this.appendCarry(chunk, 0, newline);
          this.flushCarry();
          this.filter.newChunk();
        } else {
          this.line(chunk, pos, newline, false);
        }
        pos = newline + 1;
      }
      if (count < bytes.lineEndsCapacity) break;
    }
    if (pos < length) this.appendCarry(chunk, pos, length);
  }

  /**
   * `push` for a syslog file scan without filters: the module reads and counts runs of ordinary
   * lines (see syslogRun in message-scan.as.ts) and stops at each line this scanner must read —
   * a new timestamp, an error, anything unusual — which goes through `line` as in `push`.
   */
  private pushRuns(chunk: Buffer): void {
    const length = chunk.length;
    const bytes = this.bytes;
    let pos = 0;
    if (this.carryLength > 0 || this.carryOversized) {
      const first = chunk.indexOf(10);
      if (first < 0) {
        this.appendCarry(chunk, 0, length);
        return;
      }
      this.appendCarry(chunk, 0, first);
      this.flushCarry();
      pos = first + 1;
    }
    const counters = this.tally.counters;
    const levels = this.tally.levels;
    for (;;) {
      bytes.claimTimestamp(this);
      bytes.claimTables(this);
      const from = pos;
      pos += bytes.syslogRun(from, length, this.limits.maxLineBytes, this.limits.messageScanBytes);
      // Read after the call: a view of the module's memory is replaced when the memory grows.
      const run = bytes.run;
      const parsed = run[RUN_PARSED] as number;
      counters.lines += run[RUN_LINES] as number;
      counters.parsed += parsed;
      counters.matched += parsed;
      counters.crlf += run[RUN_CRLF] as number;
      counters.empty += run[RUN_EMPTY] as number;
      for (let level = 0; level < 8; level++)
        levels[level] = (levels[level] as number) + (run[RUN_LEVELS + level] as number);
      // Every line the module counted repeats the remembered timestamp, whose time is `lastTs`;
      // lines read here since (a PRI or ISO timestamp) may have started another run.
      if (parsed > 0) {
        if (this.runTs !== this.lastTs) {
          this.flushRun();
          this.runTs = this.lastTs;
        }
        this.runLines += parsed;
      }
      this.labelNewGroups(chunk, run[RUN_NEW_GROUPS] as number);
      const stopEnd = run[RUN_STOP_END] as number;
      if (stopEnd < 0) break;
      const reason = run[RUN_STOP_REASON] as number;
      if (reason === STOP_LISTED) continue;
      if (reason === STOP_FULL) {
        bytes.moveTables();
        continue;
      }
      // The line the module stopped at ends at its line break, `stopEnd` after where it started.
      this.line(chunk, pos, from + stopEnd, false);
      pos = from + stopEnd + 1;
    }
    if (pos < length) this.appendCarry(chunk, pos, length);
  }

  /** Labels the groups the module saw first while their messages are still in `chunk`. */
  private labelNewGroups(chunk: Buffer, count: number): void {
    const group = this.newGroup;
    for (let k = 0; k < count; k++) {
      this.bytes.newGroup(k, group);
      const key = `${group[0]},${group[1]}`;
      if (!this.groupLabels.has(key)) {
        this.groupLabels.set(key, maskedMessage(chunk, group[2] as number, group[3] as number));
      }
    }
  }

  /** Ends the input: a last line without a line break is still a line. */
  finish(): void {
    if (this.carryLength > 0 || this.carryOversized) this.flushCarry();
    this.settle();
    this.bytes.releaseTables(this);
  }

  /**
   * Brings the state up to date with every line analysed so far (a live feed calls it before
   * reading). An error entry's type is counted now even if its stack trace has yet to arrive.
   */
  settle(): void {
    this.flushRun();
    this.countPendingType();
  }

  private countPendingType(): void {
    if (this.pendingType === null) return;
    this.state.errorTypes.add(this.pendingType);
    this.pendingType = null;
  }

  /** A line of an entry after its first: counted apart, and its exception names the entry's error type. */
  private continueEntry(buf: Uint8Array, start: number, end: number): void {
    this.tally.counters.continuation++;
    if (this.pendingType === null || this.pendingFromTrace) return;
    const nameStart = exceptionNameStart(buf, start, end);
    if (nameStart < 0) return;
    this.pendingType = errorTypeAt(buf, nameStart, end);
    this.pendingFromTrace = true;
  }

  /** Counts the consecutive lines with the same timestamp into the time buckets. */
  private flushRun(): void {
    if (this.runLines === 0) return;
    const ts = this.runTs;
    const minute = Math.floor(ts / 60_000);
    this.state.time.addCountsAt(minute, ts - minute * 60_000, this.runLines, this.runErrors);
    this.runLines = 0;
    this.runErrors = 0;
    this.runTs = Number.NaN;
  }

  /** Starts a run of lines at a new time `ts`, after counting the last run. */
  private startTimeRun(ts: number, isError: boolean): void {
    this.flushRun();
    const state = this.state;
    if (!(ts >= state.firstTs)) state.firstTs = ts;
    if (!(ts <= state.lastTs)) state.lastTs = ts;
    this.runTs = ts;
    this.runLines = 1;
    this.runErrors = isError ? 1 : 0;
  }

  /** Takes counts of client addresses from the compiled scan's table. */
  addAddress(address: number, count: number): void {
    this.state.ips.add(address, count);
  }

  /** Takes counts of a message group from the compiled scan's table. */
  addGroup(key1: number, key2: number, count: number): void {
    const slot = this.countGroup(key1, key2, count);
    const key = `${key1},${key2}`;
    if (slot >= 0) this.state.messages.setLabel(slot, this.groupLabels.get(key) ?? "");
    this.groupLabels.delete(key);
  }

  private appendCarry(chunk: Buffer, start: number, end: number): void {
    const room = this.carry.length - this.carryLength;
    const take = Math.min(room, end - start);
    if (take > 0) chunk.copy(this.carry, this.carryLength, start, start + take);
    this.carryLength += take;
    if (end - start > take) this.carryOversized = true;
  }

  private flushCarry(): void {
    const length = this.carryLength;
    const oversized = this.carryOversized;
    this.carryLength = 0;
    this.carryOversized = false;
    this.filter.newChunk();
    this.line(this.carry, 0, length, oversized);
  }

  /** Analyses one line `buf[start, end)` (without its line break). */
  line(buf: Buffer, start: number, end: number, oversized: boolean): void {
    const counters = this.tally.counters;
    counters.lines++;
    if (end - start > this.limits.maxLineBytes) {
      end = start + this.limits.maxLineBytes;
      oversized = true;
    }
    if (oversized) counters.oversized++;
    if (end > start && buf[end - 1] === 13) {
      counters.crlf++;
      end--;
    }
    if (end === start) {
      counters.empty++;
      this.afterEntry = false;
      return;
    }
    const parsed = this.parsed;
    resetParsedLine(parsed);
    const message = this.message;
    const scanned = this.compiledSyslog && this.readSyslogHead(buf, start, end);
    if (!scanned && !this.parse(buf, start, end, this.context, parsed)) {
      // Binary garbage stays unparsed even when it happens to start with a tab.
      if (this.afterEntry && isContinuationLine(buf, start, end) && !hasControlBytes(buf, start, end)) {
        this.continueEntry(buf, start, end);
        return;
      }
      this.afterEntry = false;
      this.countPendingType();
      counters.unparsed++;
      if (hasControlBytes(buf, start, end)) counters.binary++;
      return;
    }
    counters.parsed++;
    this.afterEntry = this.multiLine;
    this.countPendingType();
    const filter = this.filter;
    const ts = parsed.ts;
    if (
      !this.keepsEveryLine &&
      (!filter.keepsLevel(parsed.level) ||
        // Compared here rather than in a method: passing the timestamp to a call would box it.
        (filter.hasTimeBound && !(ts >= filter.since && ts < filter.until)) ||
        (filter.hasPattern && !filter.matchesPattern(buf, start, end)))
    ) {
      counters.filteredOut++;
      return;
    }
    counters.matched++;
    const state = this.state;
    const levels = this.tally.levels;
    levels[parsed.level] = (levels[parsed.level] as number) + 1;

    const text = parsed.textBuf ?? buf;
    const keyEnd = Math.min(parsed.keyEnd, parsed.keyStart + this.limits.messageScanBytes);
    if (!scanned) this.bytes.scanMessage(text, parsed.keyStart, keyEnd, message);

    const isError = isErrorLevel(parsed.level);
    if (ts === this.runTs) {
      this.runLines++;
      if (isError) this.runErrors++;
    } else if (Number.isNaN(ts)) {
      counters.missingTimestamp++;
    } else {
      this.startTimeRun(ts, isError);
    }
    if (isError) {
      const type = parsed.errorType ?? errorTypeAt(text, parsed.typeStart, keyEnd);
      if (this.multiLine) {
        this.pendingType = type;
        this.pendingFromTrace = false;
      } else {
        state.errorTypes.add(type);
      }
    }
    if (parsed.ipFromField) {
      if (parsed.hasIpv4) state.ips.add(parsed.ipv4);
      else if (parsed.ipText !== null) state.ips.add(parsed.ipText);
    } else if (message.hasIpv4 && !(scanned && this.syslogHead.flags & SYSLOG_ADDRESS_COUNTED)) {
      state.ips.add(message.ipv4);
    }
    this.countMessage(text, parsed.keyStart, keyEnd);
  }

  /**
   * The compiled fast path of parseSyslogLine: the module finds the positions of an RFC 3164 line
   * and scans its message in one call, and a line whose timestamp repeats the last one's bytes
   * takes its time without parsing (most lines: a busy log writes many lines a second). The time
   * and the level word's meaning are settled here with the parser's own functions. False leaves
   * the line to parseSyslogLine and the message scan: lines with a PRI or an ISO timestamp, and
   * any the module declines or whose timestamp does not parse.
   */
  private readSyslogHead(buf: Uint8Array, start: number, end: number): boolean {
    const bytes = this.bytes;
    const head = this.syslogHead;
    bytes.claimTimestamp(this);
    const countAddresses = this.addressesInModule;
    if (countAddresses) bytes.claimTables(this);
    bytes.scanSyslogLine(buf, start, end, this.limits.messageScanBytes, countAddresses, head, this.message);
    const flags = head.flags;
    if (flags === 0) return false;
    const parsed = this.parsed;
    if (flags & SYSLOG_SAME_TIME) {
      parsed.ts = this.lastTs;
    } else {
      const cursor = this.context.cursor;
      if (
        !parseBsdTimestamp(buf, start, end, this.context.year, cursor) ||
        cursor.end !== start + head.timeEnd
      )
        return false;
      parsed.ts = cursor.ts;
      this.lastTs = cursor.ts;
      bytes.rememberTimestamp(this, head.timeEnd);
    }
    parsed.keyStart = start + head.tagStart;
    parsed.keyEnd = end;
    parsed.typeStart = start + head.bodyStart;
    let level = -1;
    if (flags & SYSLOG_SHORT_WORD) {
      level = levelFromPacked(head.word);
      if (level >= 0) parsed.typeStart = start + head.afterWord;
    } else if (flags & SYSLOG_LONG_WORD) {
      level = readLevelWord(buf, start + head.bodyStart, end, this.afterWord);
      if (level >= 0) parsed.typeStart = this.afterWord[0] as number;
    }
    if (level >= 0) parsed.level = level;
    return true;
  }

  /**
   * Counts the line's message group. Groups are keyed by the first 32-bit hash (a small integer
   * key keeps the Map fast); the second hash, kept as the slot's tag, catches the rare collision,
   * which is then keyed by both hashes together (a number above 2^32, so it cannot clash).
   */
  private countMessage(text: Uint8Array, start: number, end: number): void {
    const { key1, key2 } = this.message;
    const slot = this.countGroup(key1, key2, 1);
    if (slot >= 0) this.state.messages.setLabel(slot, maskedMessage(text, start, end));
  }

  /** Adds `count` lines to the group (key1, key2); returns its slot when it is new (to label), else -1. */
  private countGroup(key1: number, key2: number, count: number): number {
    const messages = this.state.messages;
    let slot = messages.find(key1);
    if (slot >= 0 && messages.tagOf(slot) === key2) {
      messages.increment(slot, count);
      return -1;
    }
    slot =
      slot < 0
        ? messages.insert(key1, count)
        : messages.add(4_294_967_296 + (key1 >>> 0) * 1_048_576 + (key2 >>> 12), count);
    if (!messages.added) return -1;
    messages.setTag(slot, key2);
    return slot;
  }
}

function hasControlBytes(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if ((b < 32 && b !== 9) || b === 127) return true;
  }
  return false;
}
