import { describe, expect, it } from "vitest";
import { errorTypeAt } from "../../../app/logs/error-type";
import { type LogFormat, PARSERS } from "../../../app/logs/formats";
import { LEVELS } from "../../../app/logs/levels";
import { ipv4ToString } from "../../../app/logs/message-scan";
import { createParsedLine, type ParseContext } from "../../../app/logs/parsed-line";
import { yearContext } from "../../../app/logs/timestamps";

const REFERENCE = Date.UTC(2026, 2, 8);

function context(): ParseContext {
  return { year: yearContext(REFERENCE, 0), assumeOffsetMinutes: 0, cursor: { end: 0, ts: Number.NaN } };
}

/** Parses one line and returns what a reader cares about, as text. */
function parse(format: LogFormat, text: string) {
  const buf = Buffer.from(text);
  const out = createParsedLine();
  const matched = PARSERS[format](buf, 0, buf.length, context(), out);
  const source = out.textBuf ?? buf;
  return {
    matched,
    strict: out.strict,
    time: Number.isNaN(out.ts) ? null : new Date(out.ts).toISOString(),
    level: LEVELS[out.level],
    key: Buffer.from(source.subarray(out.keyStart, out.keyEnd)).toString(),
    errorType: out.errorType ?? errorTypeAt(source, out.typeStart, out.keyEnd),
    ip: out.hasIpv4 ? ipv4ToString(out.ipv4) : out.ipText,
  };
}

describe("syslog lines", () => {
  it("reads an RFC 3164 line without PRI, with the year from the reference time", () => {
    const line = parse(
      "syslog",
      "Mar  7 14:03:22 web01 sshd[2231]: Failed password for root from 203.0.113.7 port 22",
    );
    expect(line).toMatchObject({
      matched: true,
      strict: true,
      time: "2026-03-07T14:03:22.000Z",
      level: "unknown",
      key: "sshd[2231]: Failed password for root from 203.0.113.7 port 22",
    });
  });

  it("takes the level from a level word opening the message over the PRI severity", () => {
    const line = parse("syslog", "<14>Mar  7 14:03:23 web01 app[4121]: ERROR: DiskFull on /dev/sda1");
    expect(line).toMatchObject({ level: "error", errorType: "DiskFull" });
  });

  it("falls back to the PRI severity when the message names no level", () => {
    expect(parse("syslog", "<11>Mar  7 14:03:24 web01 app: disk gone").level).toBe("error");
    expect(parse("syslog", "<12>Mar  7 14:03:24 web01 app: disk almost full").level).toBe("warn");
    expect(parse("syslog", "<10>Mar  7 14:03:24 web01 app: kernel panic").level).toBe("fatal");
  });

  it("reads the RFC 3339 timestamps of rsyslog's high-precision format", () => {
    const line = parse("syslog", "2026-03-07T14:03:27.123456+02:00 web01 nginx[88]: WARN: slow upstream");
    expect(line).toMatchObject({
      time: "2026-03-07T12:03:27.123Z",
      level: "warn",
      key: "nginx[88]: WARN: slow upstream",
    });
  });

  it("reads RFC 5424 with structured data, escaped brackets, a BOM and a nil timestamp", () => {
    const full = parse(
      "syslog",
      '<165>1 2026-03-07T14:03:22.003Z host.example.com evntslog - ID47 [ex@32473 iut="3" eventSource="App"] An event from 192.0.2.1',
    );
    expect(full).toMatchObject({
      time: "2026-03-07T14:03:22.003Z",
      level: "notice",
      key: "An event from 192.0.2.1",
    });
    const escaped = parse("syslog", '<13>1 2026-03-07T14:03:25Z web01 app - - [a b="x\\]y"][c] \uFEFFhello');
    expect(escaped.key).toBe("hello");
    const nil = parse("syslog", "<14>1 - web01 app - - - no timestamp here");
    expect(nil).toMatchObject({ matched: true, time: null, level: "info", key: "no timestamp here" });
  });

  it("puts a December line in a file written in early January into the previous year", () => {
    const buf = Buffer.from("Dec 31 23:59:59 web01 app: last line of the year");
    const out = createParsedLine();
    const ctx = {
      year: yearContext(Date.UTC(2026, 0, 1, 0, 5), 0),
      assumeOffsetMinutes: 0,
      cursor: { end: 0, ts: Number.NaN },
    };
    PARSERS.syslog(buf, 0, buf.length, ctx, out);
    expect(new Date(out.ts).toISOString()).toBe("2025-12-31T23:59:59.000Z");
  });

  it("rejects lines that are not syslog", () => {
    expect(parse("syslog", "hello world").matched).toBe(false);
    expect(parse("syslog", "<999>Mar  7 14:03:22 x y: z").matched).toBe(false);
    expect(parse("syslog", "Foo  7 14:03:22 web01 app: z").matched).toBe(false);
  });
});

describe("access log lines", () => {
  it("reads the combined format: client IP, time with zone, request without query, status", () => {
    const line = parse(
      "access",
      '203.0.113.7 - frank [07/Mar/2026:15:03:22 +0100] "GET /api/v1/orders/123?expand=items HTTP/1.1" 200 2326 "-" "Mozilla/5.0"',
    );
    expect(line).toMatchObject({
      matched: true,
      strict: true,
      time: "2026-03-07T14:03:22.000Z",
      level: "info",
      key: "GET /api/v1/orders/123",
      ip: "203.0.113.7",
    });
  });

  it("makes 5xx responses errors typed by status and 4xx warnings", () => {
    expect(
      parse("access", '10.0.0.1 - - [07/Mar/2026:14:03:23 +0000] "POST /pay HTTP/1.1" 503 0'),
    ).toMatchObject({
      level: "error",
      errorType: "HTTP 503",
    });
    expect(parse("access", '10.0.0.1 - - [07/Mar/2026:14:03:23 +0000] "GET /x HTTP/1.1" 404 0').level).toBe(
      "warn",
    );
  });

  it("keeps IPv6 clients as text and ignores hostnames", () => {
    expect(parse("access", '2001:DB8::1 - - [07/Mar/2026:14:03:24 +0000] "GET / HTTP/2.0" 200 1').ip).toBe(
      "2001:db8::1",
    );
    expect(
      parse("access", 'gw.example.com - - [07/Mar/2026:14:03:24 +0000] "GET / HTTP/2.0" 200 1').ip,
    ).toBeNull();
  });

  it("rejects lines without the bracketed time or the quoted request", () => {
    expect(parse("access", "203.0.113.7 - - 07/Mar/2026 GET / 200").matched).toBe(false);
    expect(parse("access", "203.0.113.7 - - [07/Mar/2026:14:03:24 +0000] GET / 200").matched).toBe(false);
  });
});

describe("JSON lines", () => {
  it("reads pino's numeric levels, epoch milliseconds and nested client address", () => {
    const line = parse(
      "json",
      '{"level":50,"time":1772892202000,"msg":"request failed for user 17","req":{"remoteAddress":"203.0.113.7"}}',
    );
    expect(line).toMatchObject({
      matched: true,
      time: "2026-03-07T14:03:22.000Z",
      level: "error",
      key: "request failed for user 17",
      ip: "203.0.113.7",
      errorType: "(unclassified)",
    });
  });

  it("takes the error type from an error field and reads epoch seconds and level names", () => {
    expect(
      parse("json", '{"level":"error","message":"declined","error":{"type":"CardDeclined"}}').errorType,
    ).toBe("CardDeclined");
    expect(parse("json", '{"severity":"WARNING","ts":1772892204.25,"msg":"retrying"}')).toMatchObject({
      level: "warn",
      time: "2026-03-07T14:03:24.250Z",
    });
  });

  it("rejects lines that are not JSON objects", () => {
    expect(parse("json", "[1,2,3]").matched).toBe(false);
    expect(parse("json", '{"broken": ').matched).toBe(false);
    expect(parse("json", "plain text").matched).toBe(false);
  });
});

describe("generic lines", () => {
  it.each([
    ["2026-03-07 14:03:22,123 INFO Server started", "2026-03-07T14:03:22.123Z", "info", "Server started"],
    [
      "2026-03-07T14:03:23Z ERROR ConnectionRefused: db01",
      "2026-03-07T14:03:23.000Z",
      "error",
      "ConnectionRefused: db01",
    ],
    ["[2026-03-07 14:03:24] [warn] disk at 91%", "2026-03-07T14:03:24.000Z", "warn", "disk at 91%"],
    [
      "2026/03/07 14:03:25 [error] 1234#0: connect() failed",
      "2026-03-07T14:03:25.000Z",
      "error",
      "1234#0: connect() failed",
    ],
    [
      "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating",
      "2008-11-09T20:36:15.000Z",
      "info",
      "dfs.DataNode$PacketResponder: PacketResponder 1 terminating",
    ],
    [
      "2026-12-05 10:00:00.123 [main] WARN  com.example.Foo - slow",
      "2026-12-05T10:00:00.123Z",
      "warn",
      "com.example.Foo - slow",
    ],
  ])("reads %s", (text, time, level, key) => {
    expect(parse("generic", text)).toMatchObject({ matched: true, strict: true, time, level, key });
  });

  it("keeps a field after the time in the message when no level word follows it", () => {
    expect(parse("generic", "2026-12-05 10:00:00 [main] started")).toMatchObject({
      strict: false,
      level: "unknown",
      key: "[main] started",
    });
    expect(parse("generic", "081109 203615 148 blocks moved").key).toBe("148 blocks moved");
  });

  it("rejects compact times that are not yyMMdd HHmmss", () => {
    expect(parse("generic", "081309 203615 148 INFO x").matched).toBe(false);
    expect(parse("generic", "081109 2036155 INFO x").matched).toBe(false);
    expect(parse("generic", "[081109 203615] INFO x").matched).toBe(false);
  });

  it("matches a line that starts with a level word but has no timestamp", () => {
    expect(parse("generic", "FATAL: cannot continue")).toMatchObject({
      matched: true,
      time: null,
      level: "fatal",
    });
  });

  it("does not take a word that merely starts like a level for one", () => {
    expect(parse("generic", "2026-03-07T14:03:23Z Errors occurred").level).toBe("unknown");
  });
});

describe("Apache httpd error log lines", () => {
  it("reads 2.4's format: microsecond time, [module:level], client with port, AH code", () => {
    const line = parse(
      "apache-error",
      "[Sat Dec 05 10:00:01.123456 2026] [core:error] [pid 1234:tid 140234] [client 203.0.113.9:51234] AH00126: Invalid URI in request",
    );
    expect(line).toEqual({
      matched: true,
      strict: true,
      time: "2026-12-05T10:00:01.123Z",
      level: "error",
      key: "AH00126: Invalid URI in request",
      errorType: "AH00126",
      ip: "203.0.113.9",
    });
  });

  it("reads 2.2's [level] field, a space-padded day and a client without port", () => {
    expect(
      parse("apache-error", "[Wed Oct  1 14:32:52 2000] [warn] [client 127.0.0.1] client denied by server"),
    ).toMatchObject({
      matched: true,
      time: "2000-10-01T14:32:52.000Z",
      level: "warn",
      key: "client denied by server",
      ip: "127.0.0.1",
    });
  });

  it("maps trace1–8 to trace, takes the AH code after an errno prefix and no client from the message", () => {
    expect(parse("apache-error", "[Sat Dec 05 10:00:01 2026] [rewrite:trace3] [pid 1] applying").level).toBe(
      "trace",
    );
    expect(
      parse(
        "apache-error",
        "[Sat Dec 05 10:00:01 2026] [proxy:error] [pid 9] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8080 failed",
      ),
    ).toMatchObject({ level: "error", errorType: "AH00957", ip: null });
  });

  it("keeps IPv6 clients without their port", () => {
    expect(
      parse("apache-error", "[Sat Dec 05 10:00:01 2026] [core:info] [client 2001:db8::7:40000] AH00128: x")
        .ip,
    ).toBe("2001:db8::7");
  });

  it("keeps a 2.2 IPv6 client whole: that format logs no port", () => {
    expect(
      parse("apache-error", "[Sat Dec 05 10:00:01 2026] [error] [client 2001:db8::7] File does not exist").ip,
    ).toBe("2001:db8::7");
    expect(parse("apache-error", "[Sat Dec 05 10:00:01 2026] [error] [client 198.51.100.4] x").ip).toBe(
      "198.51.100.4",
    );
  });

  it("rejects lines without the ctime stamp or a level field", () => {
    expect(parse("apache-error", "[2026-12-05 10:00:01] [error] x").matched).toBe(false);
    expect(parse("apache-error", "[Sat Dec 05 10:00:01 2026] [core:loud] x").matched).toBe(false);
    expect(parse("apache-error", "[Sat Dec 05 10:00:01 2026] AH00126: x").matched).toBe(false);
  });
});

describe("error types", () => {
  it.each([
    ["DiskFull on /dev/sda1", "DiskFull"],
    ["Timeout: upstream took 30 s", "Timeout"],
    ["ECONNREFUSED 10.0.0.1:5432", "ECONNREFUSED"],
    ["java.lang.NullPointerException at Foo.bar", "java.lang.NullPointerException"],
    [": - OutOfMemory", "OutOfMemory"],
    ["connection refused by peer", "(unclassified)"],
    ["42 things went wrong", "(unclassified)"],
    ["", "(unclassified)"],
  ])("names the type of %j as %s", (text, type) => {
    const buf = Buffer.from(text);
    expect(errorTypeAt(buf, 0, buf.length)).toBe(type);
  });
});
