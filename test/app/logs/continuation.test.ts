import { readFile, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeLogs, LiveLogAnalysis } from "../../../app/logs";
import { exceptionNameStart, isContinuationLine } from "../../../app/logs/continuation";
import { emptyTally, ScanState } from "../../../app/logs/scan-state";
import { runScanTask, type ScanTask } from "../../../app/logs/scan-task";
import { DEFAULT_SCAN_CONFIG } from "../../support/scan-config";
import { useTempDirs } from "../../support/temp-dir";

const LOG4J = path.join(__dirname, "..", "..", "fixtures", "logs", "real-world", "log4j-stacktraces.log");

const config = DEFAULT_SCAN_CONFIG;

const TRACE = [
  "2026-12-05 10:00:01,456 ERROR [main] com.example.OrderService - Failed to load order 42",
  "java.lang.IllegalStateException: order 42 not found",
  "\tat com.example.OrderService.load(OrderService.java:88)",
  "Caused by: java.sql.SQLException: Connection is closed",
  "\t... 12 more",
];

describe("continuation lines", () => {
  const tempDir = useTempDirs("opsdeck-continuation");

  it.each([
    ["\tat com.example.Foo.bar(Foo.java:88)", true],
    ["    at com.example.Foo.bar(Foo.java:88)", true],
    ["Caused by: java.io.IOException: disk", true],
    ["java.lang.OutOfMemoryError", true],
    ["com.example.orders.OrderNotFound: order 42", true],
    ["java.lang.lowercase: no class", false],
    ["Exception: no package", false],
    ["random text after an entry", false],
    ["a.b", false],
  ])("tells whether %j continues an entry", (text, expected) => {
    const buf = Buffer.from(text);
    expect(isContinuationLine(buf, 0, buf.length)).toBe(expected);
  });

  it("finds the exception class of a header, after `Caused by: ` too", () => {
    const buf = Buffer.from("Caused by: java.sql.SQLException: closed");
    expect(exceptionNameStart(buf, 0, buf.length)).toBe(11);
  });

  it("counts only lines right after an entry or its trace: an empty or unparsed line ends the entry", async () => {
    const file = path.join(await tempDir(), "app.log");
    await writeFile(
      file,
      [...TRACE, "", "\tat orphan.Frame(Frame.java:1)", "garbage", "\tat x.Y(Y.java:2)", ""].join("\n"),
    );

    const analysis = await analyzeLogs(file, { format: "generic" });

    expect(analysis.lines).toMatchObject({ lines: 9, parsed: 1, continuation: 4, empty: 1, unparsed: 3 });
    expect(analysis.errorTypes.top).toEqual([{ type: "java.lang.IllegalStateException", count: 1 }]);
  });

  it("leaves binary garbage after an entry unparsed, even when it starts with a tab", async () => {
    const file = path.join(await tempDir(), "app.log");
    await writeFile(file, `${TRACE[0]}\n\t\u0000\u0001\u0002 bytes\n${TRACE[2]}\n`);

    const analysis = await analyzeLogs(file, { format: "generic" });

    expect(analysis.lines).toMatchObject({ lines: 3, parsed: 1, continuation: 0, unparsed: 2, binary: 1 });
  });

  it("gives the same line counts wherever a byte range starts, inside a stack trace too", async () => {
    const whole = await analyzeLogs(LOG4J, { workers: 1 });
    const size = (await stat(LOG4J)).size;
    const text = await readFile(LOG4J, "latin1");
    const task = (start: number, end: number): ScanTask => ({
      fileIndex: 0,
      path: LOG4J,
      compressed: false,
      format: "generic",
      referenceMs: 0,
      start,
      end,
    });
    // A cut at the start of every 7th line, so many fall inside traces.
    const lineStarts = [...text.matchAll(/\n/g)].map((match) => (match.index as number) + 1);
    for (const cut of lineStarts.filter((_, i) => i % 7 === 3)) {
      const state = new ScanState(config.limits);
      const tally = emptyTally();
      await runScanTask(task(0, cut), config, state, tally);
      await runScanTask(task(cut, size), config, state, tally);
      expect(tally.counters, `cut at byte ${cut}`).toEqual(whole.lines);
    }
  });

  it("keeps counting a filtered-out entry's trace as continuation, and error types as unfiltered", async () => {
    const all = await analyzeLogs(LOG4J, { top: 100 });

    const errorsOnly = await analyzeLogs(LOG4J, { top: 100, levels: ["error"] });

    expect(errorsOnly.lines).toMatchObject({
      lines: all.lines.lines,
      continuation: all.lines.continuation,
      matched: all.levels.error,
      filteredOut: all.lines.parsed - all.levels.error,
    });
    expect(errorsOnly.errorTypes.top).toEqual(all.errorTypes.top);
  });

  it("names the error type from the trace in a live feed as well", () => {
    const live = new LiveLogAnalysis({ format: "generic" });
    for (const line of TRACE) live.push(line);

    const summary = live.summary();

    expect(summary.lines).toMatchObject({ parsed: 1, continuation: 4, unparsed: 0 });
    expect(summary.errorTypes.top).toEqual([{ type: "java.lang.IllegalStateException", count: 1 }]);
  });
});
