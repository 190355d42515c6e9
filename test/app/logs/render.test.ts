import { copyFile, utimes } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeLogs, LiveLogAnalysis, renderAnalysis, renderRotation, renderTable } from "../../../app/logs";
import { useTempDirs } from "../../support/temp-dir";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "logs");

describe("rendering results", () => {
  const tempDir = useTempDirs("opsdeck-render");

  async function fixtureAnalysis() {
    const file = path.join(await tempDir(), "syslog-3164.log");
    await copyFile(path.join(FIXTURES, "syslog-3164.log"), file);
    const time = new Date(Date.UTC(2026, 2, 8));
    await utimes(file, time, time);
    return analyzeLogs(file, { incidents: { errorsPerMinute: 1 } });
  }

  it("prints a table per result for people", async () => {
    const text = renderAnalysis(await fixtureAnalysis(), "table");
    for (const heading of [
      "FILES",
      "LINES",
      "LEVELS",
      "ERROR TYPES",
      "CLIENT IPS: 3 unique",
      "INCIDENTS",
      "TOP MESSAGES",
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/syslog \(100%\)/);
    expect(text).toMatch(/1\s+DiskFull/);
    expect(text).toMatch(/2026-03-07T14:03:23\.000Z\s+2026-03-07T14:03:24\.000Z\s+1s\s+2/);
  });

  it("prints JSON that parses back to the analysis", async () => {
    const analysis = await fixtureAnalysis();
    expect(JSON.parse(renderAnalysis(analysis, "json"))).toEqual(JSON.parse(JSON.stringify(analysis)));
  });

  it("aligns columns and right-aligns numbers", () => {
    expect(
      renderTable(
        ["name", "n"],
        [
          ["a", "1"],
          ["bbb", "100"],
        ],
        [1],
      ),
    ).toBe("name    n\n----  ---\na       1\nbbb   100");
  });

  it("prints rotation results", () => {
    const text = renderRotation(
      [
        {
          path: "/var/log/app.log",
          rotated: false,
          reason: "size 12.0 MiB ≥ 10.0 MiB",
          dryRun: true,
          mode: "rename",
          archive: "/var/log/app.log.20260307T140322Z.gz",
          archivedBytes: 12 * 1024 * 1024,
          deferredCompression: false,
          compressedLeftovers: [],
          deleted: ["/var/log/app.log.20260301T000000Z.gz"],
        },
      ],
      "table",
    );
    expect(text).toContain("would rotate");
    expect(text).toContain("12.0 MiB");
    expect(text).toContain("app.log.20260301T000000Z.gz");
  });
});

describe("LiveLogAnalysis", () => {
  it("analyses lines one at a time like a file scan", () => {
    const live = new LiveLogAnalysis({ format: "syslog", referenceMs: Date.UTC(2026, 2, 8) });
    live.push("Mar  7 14:03:22 web01 app[1]: ERROR: DiskFull on /dev/sda1 client=10.0.0.1");
    live.push("Mar  7 14:03:23 web01 app[1]: INFO: recovered client=10.0.0.2");
    live.push("garbage");
    const summary = live.summary();
    expect(summary.lines).toMatchObject({ lines: 3, parsed: 2, unparsed: 1 });
    expect(summary.errorTypes.top).toEqual([{ type: "DiskFull", count: 1 }]);
    expect(summary.clientIps.unique).toBe(2);

    live.reset();
    expect(live.summary().lines.lines).toBe(0);
  });
});
