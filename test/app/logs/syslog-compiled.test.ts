import { afterEach, describe, expect, it, vi } from "vitest";
import { parseAnalyzeSettings, stateLimitsOf } from "../../../app/logs/analyze-options";
import type { FrequentItemsSnapshot } from "../../../app/logs/frequent-items";
import { LineFilter, NO_FILTER } from "../../../app/logs/line-filter";
import { DEFAULT_SCANNER_LIMITS, LineScanner, type ScannerLimits } from "../../../app/logs/line-scanner";
import {
  ChunkScanner,
  RUN_PARSED,
  RUN_STOP_REASON,
  STOP_FULL,
  STOP_LISTED,
  SYSLOG_ADDRESS_COUNTED,
  SYSLOG_SAME_TIME,
} from "../../../app/logs/message-scan";
import { parseSyslogLine } from "../../../app/logs/parse-syslog";
import type { LineParser } from "../../../app/logs/parsed-line";
import { emptyTally, type FileTally, ScanState } from "../../../app/logs/scan-state";
import { yearContext } from "../../../app/logs/timestamps";
import { seededRandom } from "../../support/log-generator";

/**
 * The compiled fast path for RFC 3164 lines (syslogLine in app/logs/wasm/message-scan.as.ts and
 * LineScanner's readSyslogHead) held to parseSyslogLine followed by the message scan: the same
 * lines scanned both ways must give the same tallies and summaries — levels, times, error types,
 * addresses, message groups (whose keys hash the message from the tag on, so a tag found one
 * byte off shows).
 */

const REFERENCE_MS = Date.UTC(2026, 2, 8);

/** parseSyslogLine behind another function: LineScanner takes its compiled path only for the parser itself. */
const viaParser: LineParser = (buf, start, end, ctx, out) => parseSyslogLine(buf, start, end, ctx, out);

interface Scanned {
  tally: FileTally;
  state: ScanState;
}

function scanner(
  parse: LineParser,
  limits: ScannerLimits,
  referenceMs = REFERENCE_MS,
  batch = true,
  stateLimits = stateLimitsOf(parseAnalyzeSettings({})),
): Scanned & { lines: LineScanner } {
  const state = new ScanState(stateLimits);
  const tally = emptyTally();
  const context = {
    year: yearContext(referenceMs, 0),
    assumeOffsetMinutes: 0,
    cursor: { end: 0, ts: Number.NaN },
  };
  const lines = new LineScanner(parse, context, new LineFilter(NO_FILTER), state, tally, limits, batch);
  return { tally, state, lines };
}

/** Scans `text` pushed in chunks of the given sizes (cycled), so lines also cross chunk boundaries. */
function scan(
  parse: LineParser,
  text: Buffer,
  chunkSizes: number[],
  limits = DEFAULT_SCANNER_LIMITS,
  batch = true,
): Scanned {
  const scanned = scanner(parse, limits, REFERENCE_MS, batch);
  let k = 0;
  for (let at = 0; at < text.length; k++) {
    const size = chunkSizes[k % chunkSizes.length] as number;
    scanned.lines.push(text.subarray(at, Math.min(text.length, at + size)));
    at += size;
  }
  scanned.lines.finish();
  return scanned;
}

/**
 * A summary's snapshot with its client addresses and message groups as sorted rows: counted in the
 * module's tables they reach the summaries in another order, and slot order is not a result.
 */
function comparable(state: ScanState) {
  const { ips, messages, ...rest } = state.snapshot();
  const rows = <K>(items: FrequentItemsSnapshot<K>) =>
    items.keys
      .map((key, i) => [String(key), items.counts[i], items.tags?.[i] ?? 0, items.labels?.[i] ?? null])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const totals = <K>({ capacity, offset, total }: FrequentItemsSnapshot<K>) => ({ capacity, offset, total });
  return {
    ...rest,
    ips: { registers: ips.registers, ...totals(ips.items), rows: rows(ips.items) },
    messages: { ...totals(messages), rows: rows(messages) },
  };
}

function expectSameScan(fast: Scanned, reference: Scanned): void {
  expect(fast.tally).toEqual(reference.tally);
  expect(fast.state.firstTs).toBe(reference.state.firstTs);
  expect(fast.state.lastTs).toBe(reference.state.lastTs);
  expect(comparable(fast.state)).toEqual(comparable(reference.state));
}

/**
 * Syslog-like lines in every shape the two readers must agree on: with and without PRI, BSD
 * timestamps valid and not (with fractions, some too long to remember), ISO ones, repeated
 * timestamps followed by a space or not, hosts short and long, tags or none, level words in
 * brackets, with colons, too long or not words at all, error types, addresses, CRs and lines
 * cut anywhere.
 */
function randomSyslog(seed: number, count: number): Buffer {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (max: number) => Math.floor(random() * max);
  const two = (n: number) => String(n).padStart(2, "0");
  const timestamp = () => {
    if (random() < 0.7) return `Mar ${pick([" 7", "17"])} ${two(int(24))}:${two(int(60))}:${two(int(60))}`;
    const month = pick(["Mar", "Jan", "Dec", "mar", "MAR", "Foo", "Ma"]);
    const day = pick([" 7", "7", "17", "07", "32", "  7", "x7"]);
    const time = pick([
      `${two(int(24))}:${two(int(60))}:${two(int(60))}`,
      `${two(int(30))}:${two(int(62))}:${two(int(62))}`,
      "12:00",
      "1:00:00",
    ]);
    const fraction = pick(["", "", ".123", ".5", ".", `.${"9".repeat(1 + int(30))}`, ",123"]);
    return `${month} ${day} ${time}${fraction}`;
  };
  const host = () =>
    pick(["web01", "db01", "ip-10-0-1-23.eu-west-1.compute.internal", "h:", "", "a".repeat(1 + int(70))]);
  const tag = () =>
    pick([
      "app[123]:",
      "sshd:",
      "kernel:",
      "app[8]: ",
      "",
      "notag",
      ":",
      "x:y",
      "cron[1]:",
      "very-long-tag-name[9999999]:",
    ]);
  const level = () =>
    pick([
      "",
      "",
      "ERROR: ",
      "error ",
      "[warn] ",
      "<info> ",
      "(debug) ",
      "WARNING: ",
      "Informational ",
      "INFORMATIONALLY ",
      "Errors ",
      "err|",
      "FATAL,",
      "crit\t",
      "[ERROR]:  ",
      "E: ",
      "notalevel: ",
      "emergency ",
      "abcdefghijklmn ",
      "ERROR",
      "Panic:",
      "[",
    ]);
  const body = () =>
    pick([
      "DiskFull on /dev/sda1",
      "Timeout: upstream took 30s",
      `ECONNRESET ${int(256)}.${int(256)}.${int(256)}.${int(256)}:5432`,
      `request completed path=/api/v1/orders/${int(1e6)} status=200 client=${int(256)}.${int(256)}.1.${int(256)}`,
      "java.io.IOException: broken pipe",
      `user ${int(1000)} logged in from 10.0.${int(9)}.${int(9)}`,
      "",
      "  leading spaces",
      "\ttab",
      "é unicode ü",
    ]);
  const lines: string[] = [];
  let last = timestamp();
  for (let i = 0; i < count; i++) {
    if (random() < 0.02) {
      lines.push(pick(["", "   ", "\r", "garbage without a timestamp"]));
      continue;
    }
    const pri = random() < 0.05 ? pick(["<34>", "<13>", "<999>", "<1>"]) : "";
    const time =
      random() < 0.05
        ? pick(["2026-03-07T10:00:00Z", "2026-03-07 10:00:00,5", ""])
        : random() < 0.6
          ? last
          : timestamp();
    if (!time.startsWith("2")) last = time || last;
    const afterTime = pick([" ", " ", " ", " ", "", "\t", "  "]);
    const hostPart = random() < 0.8 ? `${host()} ` : "";
    let line = `${pri}${time}${afterTime}${hostPart}${tag()}${pick([" ", " ", ""])}${level()}${body()}`;
    if (random() < 0.05) line = line.slice(0, int(line.length + 1));
    if (random() < 0.05) line += "\r";
    lines.push(line);
  }
  return Buffer.from(`${lines.join("\n")}${random() < 0.5 ? "\n" : ""}`, "latin1");
}

/** Counts the lines the compiled path read, declined, and read with a repeated timestamp. */
interface CompiledCounts {
  /** Lines read one at a time by the module, declined by it, with the remembered timestamp, whose address it counted. */
  read: number;
  declined: number;
  sameTime: number;
  counted: number;
  /** Lines read and counted in runs by the module, and runs that stopped because a table was full. */
  inRuns: number;
  full: number;
  /** Runs that stopped to have their new message groups labelled. */
  listed: number;
}

/** Counts what the compiled path did, by spying on the scanner's calls into the module. */
function countCompiledLines(): CompiledCounts {
  const counts = { read: 0, declined: 0, sameTime: 0, counted: 0, inRuns: 0, full: 0, listed: 0 };
  const prototype = ChunkScanner.prototype;
  const { scanSyslogLine, syslogRun } = prototype;
  vi.spyOn(prototype, "scanSyslogLine").mockImplementation(function (this: ChunkScanner, ...args) {
    scanSyslogLine.apply(this, args);
    const flags = args[5].flags;
    if (flags === 0) counts.declined++;
    else counts.read++;
    if (flags & SYSLOG_SAME_TIME) counts.sameTime++;
    if (flags & SYSLOG_ADDRESS_COUNTED) counts.counted++;
  });
  vi.spyOn(prototype, "syslogRun").mockImplementation(function (this: ChunkScanner, ...args) {
    const consumed = syslogRun.apply(this, args);
    counts.inRuns += this.run[RUN_PARSED] as number;
    if (this.run[RUN_STOP_REASON] === STOP_FULL) counts.full++;
    if (this.run[RUN_STOP_REASON] === STOP_LISTED) counts.listed++;
    return consumed;
  });
  return counts;
}

/** Scans `text` in one chunk by the parser path and by the compiled one, spying on the latter. */
function scanBothWays(text: Buffer, limits: { ipExactLimit?: number; messageLimit?: number }) {
  const stateLimits = stateLimitsOf(parseAnalyzeSettings({ limits }));
  const count = (parse: LineParser) => {
    const scanned = scanner(parse, DEFAULT_SCANNER_LIMITS, REFERENCE_MS, true, stateLimits);
    scanned.lines.push(text);
    scanned.lines.finish();
    return scanned;
  };
  const reference = count(viaParser);
  const compiled = countCompiledLines();
  const fast = count(parseSyslogLine);
  vi.restoreAllMocks();
  return { reference, compiled, fast };
}

describe("compiled syslog path", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("reads random syslog lines as parseSyslogLine and the message scan do", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const text = randomSyslog(seed, 4000);
      const sizes = [1 << 20, 997, 64, 4096, 13];
      const reference = scan(viaParser, text, sizes);
      const compiled = countCompiledLines();
      const fast = scan(parseSyslogLine, text, sizes);
      vi.restoreAllMocks();
      expectSameScan(fast, reference);
      // A live feed (no `finish` before the state is read) counts addresses in JavaScript.
      expectSameScan(scan(parseSyslogLine, text, sizes, DEFAULT_SCANNER_LIMITS, false), reference);
      // Every path ran: lines counted in runs by the module, lines it read one at a time (new
      // timestamps, errors; some with the remembered timestamp), lines it declined, and lines
      // that are not syslog at all.
      expect(compiled.inRuns).toBeGreaterThan(600);
      expect(compiled.read).toBeGreaterThan(1000);
      expect(compiled.sameTime).toBeGreaterThan(150);
      expect(compiled.declined).toBeGreaterThan(1500);
      expect(fast.tally.counters.unparsed).toBeGreaterThan(1000);
      expect(compiled.full).toBe(0);
    }
  });

  it("agrees when lines are cut to the line limit and messages to the scan limit", () => {
    const limits = { maxLineBytes: 60, messageScanBytes: 24 };
    for (let seed = 7; seed <= 9; seed++) {
      const text = randomSyslog(seed, 3000);
      const fast = scan(parseSyslogLine, text, [4096, 77], limits);
      expectSameScan(fast, scan(viaParser, text, [4096, 77], limits));
      expect(fast.tally.counters.oversized).toBeGreaterThan(100);
    }
  });

  it("keeps a scanner's timestamp and address counts from another on the same thread", () => {
    // Two files whose modification times put the same `Mar  7` in different years, scanned
    // alternately on one thread: the compiled module is shared, the remembered timestamp and the
    // address table are each one scanner's at a time.
    const text = Buffer.from(
      Array.from(
        { length: 200 },
        (_, i) =>
          `Mar  7 10:00:0${Math.floor(i / 50)} web01 app[1]: ERROR: DiskFull client=10.0.${i % 7}.${i}`,
      ).join("\n"),
    );
    const alone = (referenceMs: number) => {
      const scanned = scanner(parseSyslogLine, DEFAULT_SCANNER_LIMITS, referenceMs);
      scanned.lines.push(text);
      scanned.lines.finish();
      return scanned;
    };
    const a = scanner(parseSyslogLine, DEFAULT_SCANNER_LIMITS, Date.UTC(2026, 5, 1));
    const b = scanner(parseSyslogLine, DEFAULT_SCANNER_LIMITS, Date.UTC(2021, 5, 1));
    for (let at = 0; at < text.length; at += 333) {
      a.lines.push(text.subarray(at, at + 333));
      b.lines.push(text.subarray(at, at + 333));
    }
    a.lines.finish();
    b.lines.finish();
    expectSameScan(a, alone(Date.UTC(2026, 5, 1)));
    expectSameScan(b, alone(Date.UTC(2021, 5, 1)));
    expect(b.tally.counters.missingTimestamp).toBe(0);
    expect(new Date(b.state.firstTs).getUTCFullYear()).toBe(2021);
    expect(b.state.ips.distinct).toBe(200);
  });

  it("counts addresses past what the module's table takes", () => {
    // 120 000 distinct addresses under one timestamp: the table takes 98 304, then its counts move
    // into the summary and it starts again.
    const lines: string[] = [];
    for (let i = 0; i < 120_000; i++) {
      lines.push(`Mar  7 10:00:00 web01 app[1]: INFO: hit client=10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
      if (i % 3 === 0) lines.push(`Mar  7 10:00:00 web01 app[1]: INFO: again client=10.0.0.${i & 255}`);
    }
    const { reference, compiled, fast } = scanBothWays(Buffer.from(lines.join("\n")), {
      ipExactLimit: 200_000,
    });
    expectSameScan(fast, reference);
    expect(fast.state.ips.distinct).toBe(120_000);
    // All lines but the first (a new timestamp) and the last (no line break: read at `finish`)
    // were counted in runs, and the full table was emptied into the summary on the way.
    expect(compiled.inRuns).toBe(fast.tally.counters.lines - 2);
    expect(compiled.full).toBeGreaterThan(0);
  });

  it("counts and labels message groups past what one run lists and the module's table takes", () => {
    // 8 000 groups (a different word each, no digits) under one timestamp: more new groups than one
    // run lists (256), more than the table takes (6 144).
    const word = (i: number) => {
      let text = "";
      for (let n = i + 1; n > 0; n = Math.floor(n / 26)) text += String.fromCharCode(97 + (n % 26));
      return text;
    };
    const lines: string[] = [];
    for (let i = 0; i < 8_000; i++) {
      lines.push(`Mar  7 10:00:00 web01 app[${i}]: INFO: event ${word(i)} done`);
      if (i % 4 === 0) lines.push(`Mar  7 10:00:00 web01 app[${i}]: WARN: event ${word(i >> 1)} done`);
    }
    const { reference, compiled, fast } = scanBothWays(Buffer.from(`${lines.join("\n")}\n`), {
      messageLimit: 20_000,
    });
    expectSameScan(fast, reference);
    expect(fast.state.messages.size).toBe(10_000);
    expect(compiled.listed).toBeGreaterThan(0);
    expect(compiled.full).toBeGreaterThan(0);
    expect(fast.state.messages.top(1)[0]?.label).toMatch(/^app\[<\*>\]: (INFO|WARN): event [a-z]+ done$/);
  });
});
