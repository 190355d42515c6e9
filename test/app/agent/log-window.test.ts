import { describe, expect, it } from "vitest";
import { buildLogReport, RollingLogWindow } from "../../../app/agent";
import { hostLogReportSchema } from "../../../dashboard/fleet/host-reports";

/** A clock the test moves by hand. */
function manualClock(iso: string) {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const MINUTE = 60_000;

describe("rolling log window", () => {
  it("counts lines by level and error type across files", () => {
    const clock = manualClock("2026-11-21T10:00:00Z");
    const window = new RollingLogWindow(60 * MINUTE, clock.now);

    window.push("/var/log/app.log", "generic", "2026-11-21T10:00:00Z ERROR DiskFull on /dev/sda1");
    window.push("/var/log/app.log", "generic", "2026-11-21T10:00:01Z ERROR DiskFull on /dev/sdb1");
    window.push("/var/log/app.log", "generic", "2026-11-21T10:00:02Z WARN slow request");
    window.push(
      "/var/log/nginx/access.log",
      "access",
      '10.0.0.1 - - [21/Nov/2026:10:00:03 +0000] "GET / HTTP/1.1" 503 0',
    );
    window.push(
      "/var/log/nginx/access.log",
      "access",
      '10.0.0.1 - - [21/Nov/2026:10:00:04 +0000] "GET / HTTP/1.1" 200 9',
    );
    const counts = window.counts(5);

    expect(counts).toMatchObject({ lines: 5, errors: 3, warnings: 1 });
    expect(counts.errorTypes).toEqual([
      { type: "DiskFull", count: 2 },
      { type: "HTTP 503", count: 1 },
    ]);
    expect(counts.files).toMatchObject([
      { path: "/var/log/app.log", format: "generic", lines: 3, errors: 2, warnings: 1 },
      { path: "/var/log/nginx/access.log", format: "access", lines: 2, errors: 1, warnings: 0 },
    ]);
  });

  it("forgets lines once they are older than the window", () => {
    const clock = manualClock("2026-11-21T10:00:00Z");
    const window = new RollingLogWindow(60 * MINUTE, clock.now);
    window.push("/app.log", "generic", "ERROR Old: first hour");
    clock.advance(30 * MINUTE);
    window.push("/app.log", "generic", "ERROR New: second half hour");

    clock.advance(29 * MINUTE);
    const bothInside = window.counts(5);
    clock.advance(6 * MINUTE);
    const oldGone = window.counts(5);
    clock.advance(60 * MINUTE);
    const empty = window.counts(5);

    expect(bothInside.errorTypes.map((t) => t.type).sort()).toEqual(["New", "Old"]);
    expect(oldGone.errorTypes).toEqual([{ type: "New", count: 1 }]);
    expect(empty).toMatchObject({ lines: 0, errors: 0, errorTypes: [], files: [] });
  });

  it("reports counting from the agent's start while the agent is younger than the window", () => {
    const clock = manualClock("2026-11-21T10:00:00Z");
    const window = new RollingLogWindow(60 * MINUTE, clock.now);
    clock.advance(10 * MINUTE);

    const counts = window.counts(5);

    expect(counts.since).toBe("2026-11-21T10:00:00.000Z");
    expect(counts.until).toBe("2026-11-21T10:10:00.000Z");
  });

  it("becomes a report the dashboard's reader accepts", () => {
    const clock = manualClock("2026-11-21T10:00:00Z");
    const window = new RollingLogWindow(15 * MINUTE, clock.now);
    window.push("/app.log", "generic", "FATAL OutOfMemory: heap");

    const report = buildLogReport("web01", 15, window.counts(3));

    expect(report).toMatchObject({
      version: 1,
      host: "web01",
      windowMinutes: 15,
      errors: 1,
      topErrors: [{ message: "OutOfMemory", count: 1 }],
    });
    expect(hostLogReportSchema.safeParse(JSON.parse(JSON.stringify(report))).success).toBe(true);
  });
});
