import { describe, expect, it } from "vitest";
import { backupConfigSchema } from "../../../app/backup/config";
import { parseOrThrow, ValidationError } from "../../../app/lib/validation";

const parse = (input: unknown) =>
  parseOrThrow(backupConfigSchema, input, "opsdeck.yaml", { pathPrefix: "backups" });

describe("backup config", () => {
  it("fills documented defaults", () => {
    const config = parse({ jobs: [{ label: "etc", sources: ["/etc"] }] });

    expect(config.compressor).toEqual({ name: "gzip" });
    expect(config.retention).toEqual({ keepLast: 3, keepDaily: 7, keepWeekly: 4, keepMonthly: 6 });
    expect(config.jobs[0]).toEqual({
      label: "etc",
      sources: ["/etc"],
      include: [],
      exclude: [],
      intervalMinutes: 1440,
    });
    expect(config.verifyAfterCreate).toBe(false);
  });

  it("schedules a job daily at a UTC time instead of an interval", () => {
    const config = parse({ jobs: [{ label: "etc", sources: ["/etc"], at: "02:30" }] });

    expect(config.jobs[0]).toEqual({
      label: "etc",
      sources: ["/etc"],
      include: [],
      exclude: [],
      at: "02:30",
    });
  });

  it("refuses a job with both an interval and a daily time, or a time that is not HH:MM", () => {
    expect(() =>
      parse({ jobs: [{ label: "etc", sources: ["/etc"], at: "02:30", intervalMinutes: 60 }] }),
    ).toThrow(/backups\.jobs\[0\]\.at: give either intervalMinutes or at/);
    expect(() => parse({ jobs: [{ label: "etc", sources: ["/etc"], at: "2:30" }] })).toThrow(
      /backups\.jobs\[0\]\.at: expected a UTC time of day as HH:MM/,
    );
  });

  it("takes a staleness threshold only when it is longer than the job's period", () => {
    const config = parse({
      jobs: [{ label: "etc", sources: ["/etc"], intervalMinutes: 60, staleAfterMinutes: 90 }],
    });

    expect(config.jobs[0]?.staleAfterMinutes).toBe(90);
    expect(() =>
      parse({ jobs: [{ label: "etc", sources: ["/etc"], intervalMinutes: 60, staleAfterMinutes: 60 }] }),
    ).toThrow(/backups\.jobs\[0\]\.staleAfterMinutes: must be longer than the job's period \(60 min\)/);
    expect(() =>
      parse({ jobs: [{ label: "etc", sources: ["/etc"], at: "02:30", staleAfterMinutes: 720 }] }),
    ).toThrow(/staleAfterMinutes: must be longer than the job's period \(1440 min\)/);
  });

  it("accepts restic's unlimited", () => {
    expect(parse({ retention: { keepDaily: "unlimited" } }).retention).toEqual({ keepDaily: "unlimited" });
  });

  it("names every bad field at once", () => {
    const input = {
      host: "web 01",
      compressor: { name: "gzip", level: 12 },
      retention: { keepDaily: -1, keepForever: 1 },
      jobs: [
        { label: "etc", sources: [] },
        { label: "etc", sources: ["/srv"] },
        { label: "a.b", sources: ["/x"] },
      ],
    };

    let error: unknown;
    try {
      parse(input);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "backups.host",
        "backups.compressor.level",
        "backups.retention.keepDaily",
        "backups.retention",
        "backups.jobs[0].sources",
        "backups.jobs[2].label",
      ]),
    );
    expect((error as ValidationError).message).toContain("expected 1-9 for gzip, got 12");
    expect((error as ValidationError).message).toContain('"web 01" must be');
  });

  it("rejects two jobs with one label, naming the second", () => {
    expect(() =>
      parse({
        jobs: [
          { label: "etc", sources: ["/etc"] },
          { label: "etc", sources: ["/srv"] },
        ],
      }),
    ).toThrow(/backups\.jobs\[1\]\.label: duplicate label "etc" \(also jobs\[0\]\)/);
  });

  it("checks levels against the chosen compressor", () => {
    expect(parse({ compressor: { name: "zstd", level: 19 } }).compressor).toEqual({
      name: "zstd",
      level: 19,
    });
    expect(() => parse({ compressor: { name: "pigz", level: 19 } })).toThrow(/expected 1-9 for pigz/);
  });
});
