import { utimes, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeLogs } from "../../../app/logs";
import { useTempDirs } from "../../support/temp-dir";

/**
 * Syslog lines with a timestamp, lines that are recognisably syslog (a PRI) but carry no usable
 * timestamp, an empty line and one that is not syslog at all.
 */
const SYSLOG = [
  "Mar  7 14:03:22 web01 app[12]: ERROR DiskFull on /dev/sda1",
  "Mar  7 14:03:23 web01 app[12]: INFO request served",
  "<11>web01 app[12]: ERROR DiskFull on /dev/sdb1",
  "<14>web01 cron[3]: job finished",
  "",
  "Mar  7 14:05:01 web01 app[12]: WARN slow request",
  "<13>Mar 99 25:00:00 web01 app[12]: clock went wrong",
  "garbage without timestamp or priority",
  "<30>Mar  7 14:06:00 web01 systemd[1]: Started session 4",
];

describe("analyzeLogs lines without a timestamp", () => {
  const tempDir = useTempDirs("opsdeck-no-ts");

  /** Writes the lines to a file dated 2026, so RFC 3164 timestamps (which lack a year) are 2026. */
  async function logFile(name: string, lines: string[]): Promise<string> {
    const file = path.join(await tempDir(), name);
    await writeFile(file, `${lines.join("\n")}\n`);
    const time = new Date(Date.UTC(2026, 2, 8));
    await utimes(file, time, time);
    return file;
  }

  it("counts syslog lines without a parseable timestamp and leaves them out of the time range", async () => {
    const file = await logFile("syslog.log", SYSLOG);

    const analysis = await analyzeLogs(file, { format: "syslog" });

    expect(analysis.lines).toMatchObject({
      lines: 9,
      empty: 1,
      unparsed: 1,
      parsed: 7,
      matched: 7,
      missingTimestamp: 3,
    });
    expect(analysis.files[0]?.lines.missingTimestamp).toBe(3);
    // The untimed lines still count by level and error type...
    expect(analysis.errors).toBe(2);
    expect(analysis.errorTypes.top).toEqual([{ type: "DiskFull", count: 2 }]);
    // ...but only the four timed lines place anything in time.
    expect(analysis.timeRange).toEqual({
      first: "2026-03-07T14:03:22.000Z",
      last: "2026-03-07T14:06:00.000Z",
    });
    expect(analysis.histogram.buckets.reduce((sum, b) => sum + b.lines, 0)).toBe(4);
  });

  it("counts only matched lines: filtered-out ones are not reported as missing a timestamp", async () => {
    const file = await logFile("syslog.log", SYSLOG);

    const errorsOnly = await analyzeLogs(file, { format: "syslog", levels: ["error"] });
    // A time bound cannot keep a line without a time: those are filtered out.
    const bounded = await analyzeLogs(file, { format: "syslog", since: "2026-03-07T14:00:00Z" });

    expect(errorsOnly.lines).toMatchObject({ matched: 2, filteredOut: 5, missingTimestamp: 1 });
    expect(bounded.lines).toMatchObject({ matched: 4, filteredOut: 3, missingTimestamp: 0 });
  });

  it("counts generic lines that open with a level word and no timestamp", async () => {
    const file = await logFile("app.log", [
      "2026-03-07T14:00:00Z ERROR DiskFull on /dev/sda1",
      "WARN cache cold, no time given",
      "[2026-03-07 14:00:01] INFO ok",
      "ERROR: Timeout talking to db",
      "just some text",
    ]);

    const analysis = await analyzeLogs(file, { format: "generic" });

    expect(analysis.lines).toMatchObject({ lines: 5, parsed: 4, unparsed: 1, missingTimestamp: 2 });
    expect(analysis.histogram.buckets.reduce((sum, b) => sum + b.lines, 0)).toBe(2);
  });
});
