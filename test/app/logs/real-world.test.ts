/**
 * The analyzer on logs in the formats real software writes (test/fixtures/logs/real-world/, see
 * its README), each checked against counts this file makes on its own: plain line splitting and
 * regular expressions over the raw text, never the analyzer's parsers.
 */
import { copyFile, readFile, utimes, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { analyzeLogs, type LogAnalysis } from "../../../app/logs";
import { useTempDirs } from "../../support/temp-dir";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "logs", "real-world");
const LEVEL_NAMES = ["unknown", "trace", "debug", "info", "notice", "warn", "error", "fatal"] as const;
type LevelName = (typeof LEVEL_NAMES)[number];

/** The fixture's lines as latin1 text (one char per byte, so invalid UTF-8 stays countable). */
async function fixtureLines(name: string): Promise<string[]> {
  let bytes = await readFile(path.join(FIXTURES, name));
  if (name.endsWith(".gz")) bytes = gunzipSync(bytes);
  const text = bytes.toString("latin1");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

function tally<T extends string>(items: readonly T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

/** Every level present, zero for the others, as the analyzer reports them. */
function levelCounts(levels: readonly LevelName[]): Record<LevelName, number> {
  const counts = Object.fromEntries(LEVEL_NAMES.map((level) => [level, 0])) as Record<LevelName, number>;
  for (const level of levels) counts[level]++;
  return counts;
}

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
/**
 * A client address as docs/logs.md defines it: the first run of token bytes (letters, digits,
 * `_ - .`, split by separators and by colons) that is a dotted quad, optionally with a full stop:
 * `/10.0.0.1:50010` and `10.0.0.1:50010:Got` (HDFS) count, `a10.0.0.1` and `1.2.3.4.5` do not.
 */
const ADDRESS_RUN = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}\\.?$`);

function firstIpv4(text: string): string | null {
  for (const run of text.split(/[^\w.\-\x80-\xff]+/)) {
    if (ADDRESS_RUN.test(run)) return run.replace(/\.$/, "");
  }
  return null;
}

/** The level word `pattern` captures in `line`, lower-cased; a fixture line without one fails the test. */
function levelIn(pattern: RegExp, line: string): LevelName {
  const word = pattern.exec(line)?.[1];
  if (word === undefined) throw new Error(`no level word in fixture line: ${line}`);
  return word.toLowerCase() as LevelName;
}

function ipCounts(ips: readonly (string | null)[]): Record<string, number> {
  return tally(ips.filter((ip): ip is string => ip !== null));
}

/** The analyzer's answers as plain maps, easy to compare with the independent counts. */
function summary(analysis: LogAnalysis) {
  return {
    lines: analysis.lines,
    levels: analysis.levels,
    errors: analysis.errors,
    errorTypes: Object.fromEntries(analysis.errorTypes.top.map((item) => [item.type, item.count])),
    ips: Object.fromEntries(analysis.clientIps.top.map((item) => [item.ip, item.count])),
    uniqueIps: analysis.clientIps.unique,
  };
}

/** Top large enough that every item is listed, so the maps compare whole. */
const ALL = { top: 1000 };

describe("real-world logs, checked against independent counts", () => {
  const tempDir = useTempDirs("opsdeck-real-logs");

  /** RFC 3164 lines have no year: pin the file's time so they are read as 2026. */
  async function copyDated(name: string): Promise<string> {
    const file = path.join(await tempDir(), name);
    await copyFile(path.join(FIXTURES, name), file);
    const time = new Date(Date.UTC(2026, 11, 6));
    await utimes(file, time, time);
    return file;
  }

  it("Debian syslog: every line parsed, warning:/error: bodies as levels, addresses from the messages", async () => {
    const lines = await fixtureLines("syslog-debian.log");
    const head = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ ([^:[ ]+)(?:\[\d+\])?: (.*)$/;
    const bodies = lines.map((line) => {
      const match = head.exec(line);
      if (!match) throw new Error(`fixture line is not RFC 3164: ${line}`);
      return match[2] as string;
    });
    const levels = bodies.map(
      (body): LevelName =>
        body.startsWith("error: ") ? "error" : body.startsWith("warning: ") ? "warn" : "unknown",
    );
    const errorTypes = bodies
      .filter((body) => body.startsWith("error: "))
      .map((body) => /^error: ([a-z_]+):/.exec(body)?.[1] ?? "(unclassified)");

    const analysis = await analyzeLogs(await copyDated("syslog-debian.log"), ALL);

    expect(analysis.files[0]?.format).toBe("syslog");
    expect(summary(analysis)).toMatchObject({
      lines: { lines: lines.length, parsed: lines.length, unparsed: 0, continuation: 0, empty: 0 },
      levels: levelCounts(levels),
      errors: levels.filter((level) => level === "error").length,
      errorTypes: tally(errorTypes),
      ips: ipCounts(bodies.map(firstIpv4)),
    });
    expect(analysis.timeRange).toEqual({
      first: "2026-12-05T06:25:01.000Z",
      last: new Date(`${(lines.at(-1) as string).slice(0, 15)} 2026 UTC`).toISOString(),
    });
  });

  it("OpenSSH auth.log: failed logins surface as message groups and by client address", async () => {
    const lines = await fixtureLines("auth.log");
    const failedPassword = lines.filter((line) => / sshd\[\d+\]: Failed password for /.test(line));
    const invalidUser = lines.filter((line) => / sshd\[\d+\]: Invalid user /.test(line));
    const pamFailures = lines.filter((line) => /pam_unix\(sshd:auth\): authentication failure;/.test(line));
    const sshdErrors = lines.filter((line) => / sshd\[\d+\]: error: /.test(line));
    expect(
      failedPassword.length * invalidUser.length * pamFailures.length * sshdErrors.length,
    ).toBeGreaterThan(0);

    const analysis = await analyzeLogs(await copyDated("auth.log"), ALL);

    const groups = analysis.topMessages.items;
    const inGroups = (prefix: string) =>
      groups.filter((group) => group.message.startsWith(prefix)).reduce((sum, group) => sum + group.count, 0);
    expect(inGroups("sshd[<*>]: Failed password for ")).toBe(failedPassword.length);
    expect(inGroups("sshd[<*>]: Invalid user ")).toBe(invalidUser.length);
    expect(inGroups("sshd[<*>]: pam_unix(sshd:auth): authentication failure;")).toBe(pamFailures.length);
    // sshd writes these at LOG_INFO and the file keeps no severity: only its `error:` lines are errors.
    expect(summary(analysis)).toMatchObject({
      lines: { lines: lines.length, parsed: lines.length, unparsed: 0 },
      errors: sshdErrors.length,
      errorTypes: { kex_exchange_identification: sshdErrors.length },
      // `rhost=203.0.113.7` in pam_unix lines counts too.
      ips: ipCounts(lines.map((line) => firstIpv4(line.slice(16)))),
    });
    const topAttacker = Object.entries(tally(failedPassword.map((line) => firstIpv4(line) ?? ""))).sort(
      (a, b) => b[1] - a[1],
    )[0]?.[0];
    expect(analysis.clientIps.top[0]?.ip).toBe(topAttacker);
  });

  it("Apache 2.4 error log: level from [module:level], client from [client …], AH codes as error types", async () => {
    const lines = await fixtureLines("apache-error.log");
    const apacheLevel: Record<string, LevelName> = {
      trace: "trace",
      debug: "debug",
      info: "info",
      notice: "notice",
      warn: "warn",
      error: "error",
      crit: "fatal",
      alert: "fatal",
      emerg: "fatal",
    };
    const fields = lines.map((line) => {
      const match = /^\[\w{3} \w{3} \d\d \d\d:\d\d:\d\d\.\d{6} \d{4}\] \[\w*:([a-z]+)\d?\] (.*)$/.exec(line);
      if (!match) throw new Error(`fixture line is not an httpd 2.4 error line: ${line}`);
      const rest = match[2] as string;
      return {
        level: apacheLevel[match[1] as string] as LevelName,
        client: /\[client (\d+\.\d+\.\d+\.\d+):\d+\]/.exec(rest)?.[1] ?? null,
        code: /(?:^|\] |: )(AH\d{5}):/.exec(rest)?.[1] ?? "(unclassified)",
      };
    });
    const errorLines = fields.filter((field) => field.level === "error" || field.level === "fatal");

    const analysis = await analyzeLogs(path.join(FIXTURES, "apache-error.log"), ALL);

    expect(analysis.files[0]).toMatchObject({ format: "apache-error", detection: { confidence: 1 } });
    expect(summary(analysis)).toMatchObject({
      lines: { lines: lines.length, parsed: lines.length, unparsed: 0, missingTimestamp: 0 },
      levels: levelCounts(fields.map((field) => field.level)),
      errors: errorLines.length,
      errorTypes: tally(errorLines.map((field) => field.code)),
      ips: ipCounts(fields.map((field) => field.client)),
    });
    expect(analysis.timeRange.first).toBe(
      new Date(
        `${(lines[0] as string).slice(5, 11)} 2026 ${(lines[0] as string).slice(12, 24)}Z`,
      ).toISOString(),
    );
  });

  it("HDFS (LogHub style): yyMMdd HHmmss time, thread id, INFO/WARN/ERROR, datanode addresses", async () => {
    const lines = await fixtureLines("hdfs.log");
    const fields = lines.map((line) => {
      const match = /^(\d\d)(\d\d)(\d\d) (\d\d)(\d\d)(\d\d) \d+ (INFO|WARN|ERROR) (.*)$/.exec(line);
      if (!match) throw new Error(`fixture line is not HDFS: ${line}`);
      const [, yy, mo, dd, hh, mi, ss] = match.map(Number) as number[];
      return {
        ts: Date.UTC(2000 + (yy as number), (mo as number) - 1, dd, hh, mi, ss),
        level: ({ INFO: "info", WARN: "warn", ERROR: "error" } as const)[match[7] as "INFO"],
        message: match[8] as string,
      };
    });

    const analysis = await analyzeLogs(path.join(FIXTURES, "hdfs.log"), ALL);

    expect(analysis.files[0]?.format).toBe("generic");
    expect(summary(analysis)).toMatchObject({
      lines: { lines: lines.length, parsed: lines.length, unparsed: 0, missingTimestamp: 0 },
      levels: levelCounts(fields.map((field) => field.level)),
      ips: ipCounts(fields.map((field) => firstIpv4(field.message))),
    });
    const times = fields.map((field) => field.ts);
    expect(analysis.timeRange).toEqual({
      first: new Date(Math.min(...times)).toISOString(),
      last: new Date(Math.max(...times)).toISOString(),
    });
    expect(analysis.histogram.buckets.reduce((sum, bucket) => sum + bucket.errors, 0)).toBe(analysis.errors);
  });

  it("log4j with stack traces: trace lines continue their entry and name its error type", async () => {
    const lines = await fixtureLines("log4j-stacktraces.log");
    const entry = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) +\[/;
    const entries = lines.filter((line) => entry.test(line));
    const errorTypes: string[] = [];
    lines.forEach((line, i) => {
      if (!/^\S+ \S+ ERROR /.test(line)) return;
      const header = /^([\w$]+(?:\.[\w$]+)+)(?::|$)/.exec(lines[i + 1] ?? "");
      errorTypes.push(header?.[1] ?? "(unclassified)");
    });
    expect(lines.some((line) => line.startsWith("Caused by: "))).toBe(true);

    const analysis = await analyzeLogs(path.join(FIXTURES, "log4j-stacktraces.log"), ALL);

    expect(analysis.files[0]).toMatchObject({ format: "generic", detection: { confidence: 1 } });
    expect(summary(analysis)).toMatchObject({
      lines: {
        lines: lines.length,
        parsed: entries.length,
        continuation: lines.length - entries.length,
        unparsed: 0,
      },
      levels: levelCounts(entries.map((line) => levelIn(entry, line))),
      errorTypes: tally(errorTypes),
    });
  });

  it("nginx combined, plain and its gzipped rotation: status levels, 4xx/5xx, clients", async () => {
    const current = await fixtureLines("nginx-access.log");
    const rotated = await fixtureLines("nginx-access.log.1.gz");
    const all = [...rotated, ...current];
    const fields = all.map((line) => {
      const match = /^(\S+) \S+ \S+ \[[^\]]+\] "[^"]*" (\d{3}) \d+ "[^"]*" "[^"]*"$/.exec(line);
      if (!match) throw new Error(`fixture line is not nginx combined: ${line}`);
      return { client: match[1] as string, status: Number(match[2]) };
    });
    const status5xx = fields.filter((field) => field.status >= 500);
    const status4xx = fields.filter((field) => field.status >= 400 && field.status < 500);

    const analysis = await analyzeLogs(
      [path.join(FIXTURES, "nginx-access.log.1.gz"), path.join(FIXTURES, "nginx-access.log")],
      ALL,
    );

    expect(analysis.files.map((file) => [file.format, file.compressed, file.lines.lines])).toEqual([
      ["access", true, rotated.length],
      ["access", false, current.length],
    ]);
    expect(summary(analysis)).toMatchObject({
      lines: { lines: all.length, parsed: all.length, unparsed: 0 },
      levels: levelCounts(fields.map((f) => (f.status >= 500 ? "error" : f.status >= 400 ? "warn" : "info"))),
      errors: status5xx.length,
      errorTypes: tally(status5xx.map((field) => `HTTP ${field.status}`)),
      ips: tally(fields.map((field) => field.client)),
      uniqueIps: new Set(fields.map((field) => field.client)).size,
    });
    expect(analysis.levels.warn).toBe(status4xx.length);
  });

  it("invalid UTF-8 (Latin-1 names, cut and overlong sequences) neither drops lines nor stops the scan", async () => {
    const lines = await fixtureLines("app-invalid-utf8.log");
    const raw = await readFile(path.join(FIXTURES, "app-invalid-utf8.log"));
    // The fixture really is invalid UTF-8: decoding it strictly fails.
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(raw)).toThrow();
    const levels = lines.map((line) => levelIn(/^\S+ (INFO|WARN|ERROR) /, line));

    const analysis = await analyzeLogs(path.join(FIXTURES, "app-invalid-utf8.log"), ALL);

    expect(summary(analysis)).toMatchObject({
      lines: { lines: lines.length, parsed: lines.length, unparsed: 0, binary: 0, bytes: raw.length },
      levels: levelCounts(levels),
      errorTypes: { EncodingError: levels.filter((level) => level === "error").length },
      ips: ipCounts(lines.map(firstIpv4)),
    });
    // Labels are text for people: bad bytes become U+FFFD instead of breaking the JSON.
    const labels = analysis.topMessages.items.map((item) => item.message);
    expect(labels.some((label) => label.includes("\ufffd"))).toBe(true);
    expect(JSON.parse(JSON.stringify(analysis)).lines.lines).toBe(lines.length);
  });

  it("a line over 1 MiB is read up to the line limit and the lines around it stay intact, plain and gzipped", async () => {
    const dir = await tempDir();
    const before = Array.from(
      { length: 50 },
      (_, i) => `2026-12-05T10:00:${String(i).padStart(2, "0")}Z INFO request ${i} from 192.0.2.${i + 1}`,
    );
    const long = `2026-12-05T10:01:00Z ERROR PayloadTooLarge: body ${"x".repeat(1_500_000)} from 203.0.113.99`;
    const after = Array.from(
      { length: 50 },
      (_, i) => `2026-12-05T10:02:${String(i).padStart(2, "0")}Z WARN slow ${i} from 198.51.100.${i + 1}`,
    );
    const text = `${[...before, long, ...after].join("\n")}\n`;
    const plain = path.join(dir, "app.log");
    await writeFile(plain, text);
    await writeFile(`${plain}.1.gz`, gzipSync(text));
    // Independent: 101 lines, one of them longer than the 64 KiB line limit.
    const lines = text.slice(0, -1).split("\n");
    const limit = 65_536;
    const oversized = lines.filter((line) => Buffer.byteLength(line) > limit).length;

    for (const file of [plain, `${plain}.1.gz`]) {
      const analysis = await analyzeLogs(file, { ...ALL, chunkBytes: 256 * 1024 });

      expect(summary(analysis)).toMatchObject({
        lines: {
          lines: lines.length,
          parsed: lines.length,
          unparsed: 0,
          oversized,
          bytes: Buffer.byteLength(text),
        },
        levels: levelCounts(lines.map((line) => levelIn(/Z (INFO|WARN|ERROR) /, line))),
        errorTypes: { PayloadTooLarge: 1 },
        // The long line's address lies past the scanned part of its message: not counted.
        ips: ipCounts([...before, ...after].map(firstIpv4)),
      });
      expect(analysis.timeRange).toEqual({
        first: "2026-12-05T10:00:00.000Z",
        last: "2026-12-05T10:02:49.000Z",
      });
    }
  });

  it("a syslog line over 1 MiB in the compiled fast path: counted once, oversized, neighbours intact", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "syslog");
    const lines = [
      ...Array.from(
        { length: 40 },
        (_, i) => `Dec  5 10:00:00 web01 CRON[${100 + i}]: (root) CMD (run ${i})`,
      ),
      `Dec  5 10:00:00 web01 app[7]: ERROR: HugeDump ${"y".repeat(1_200_000)}`,
      ...Array.from(
        { length: 40 },
        (_, i) => `Dec  5 10:00:01 web01 sshd[${200 + i}]: Invalid user u from 198.51.100.${i + 1} port 22`,
      ),
    ];
    await writeFile(file, `${lines.join("\n")}\n`);
    const time = new Date(Date.UTC(2026, 11, 6));
    await utimes(file, time, time);

    const analysis = await analyzeLogs(file, { ...ALL, chunkBytes: 256 * 1024 });

    expect(summary(analysis)).toMatchObject({
      lines: { lines: lines.length, parsed: lines.length, unparsed: 0, oversized: 1 },
      levels: levelCounts(lines.map((line) => (line.includes(" ERROR: ") ? "error" : "unknown"))),
      errorTypes: { HugeDump: 1 },
      ips: ipCounts(lines.map((line) => (line.length > 65_536 ? null : firstIpv4(line)))),
    });
  });
});
