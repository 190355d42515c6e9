import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../../app/cli/exit-codes";
import type { LogAnalysis, RotationResult } from "../../../app/logs";
import { useTempDirs } from "../../support/temp-dir";
import { type SampleLog, writeSampleLogs } from "./sample-logs";
import { opsdeck } from "./support";

const tempDir = useTempDirs("opsdeck-cli-logs");
let fixture: (name: SampleLog) => string;

beforeAll(async () => {
  fixtureDir = await mkdtemp(path.join(tmpdir(), "opsdeck-cli-logs-samples-"));
  fixture = await writeSampleLogs(fixtureDir);
});
afterAll(async () => {
  await rm(fixtureDir, { recursive: true, force: true });
});
let fixtureDir: string;

async function analyze(args: string[]): Promise<LogAnalysis> {
  const run = await opsdeck(["logs", "analyze", "--json", ...args]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(EXIT.ok);
  return JSON.parse(run.stdout) as LogAnalysis;
}

describe("opsdeck logs analyze", () => {
  it("prints tables for several files, each in its detected format", async () => {
    const run = await opsdeck(["logs", "analyze", fixture("syslog.log"), fixture("access.log")]);

    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/syslog\.log\s+syslog \(100%\)/);
    expect(run.stdout).toMatch(/access\.log\s+access \(100%\)/);
    expect(run.stdout).toMatch(/ERROR TYPES[\s\S]*DiskFull[\s\S]*HTTP 503/);
  });

  it("detects the Apache error log and counts stack-trace lines as continued, and takes --format apache-error", async () => {
    const realWorld = path.join(__dirname, "..", "..", "fixtures", "logs", "real-world");
    const apache = path.join(realWorld, "apache-error.log");

    const run = await opsdeck(["logs", "analyze", apache, path.join(realWorld, "log4j-stacktraces.log")]);
    const forced = await analyze(["--format", "apache-error", apache]);

    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/apache-error\.log\s+apache-error \(100%\)/);
    expect(run.stdout).toMatch(/continued/);
    expect(run.stdout).toMatch(/ERROR TYPES[\s\S]*AH01630[\s\S]*java\.lang\.IllegalStateException/);
    expect(forced.files[0]).toMatchObject({ format: "apache-error", detection: null });
    expect(forced.lines.unparsed).toBe(0);
  });

  it("filters by level and text, and prints JSON for machines", async () => {
    const errors = await analyze(["--level", "error,fatal", fixture("syslog.log")]);
    const grep = await analyze(["--grep", "DiskFull", fixture("syslog.log")]);
    const regex = await analyze(["--regex", "Time(out|d)", fixture("syslog.log")]);

    expect(errors.lines.matched).toBe(2);
    expect(errors.errorTypes.top.map((t) => t.type).sort()).toEqual(["DiskFull", "Timeout"]);
    expect(grep.lines.matched).toBe(1);
    expect(regex.errorTypes.top).toEqual([{ type: "Timeout", count: 1 }]);
  });

  it("keeps lines between --since and --until, in any zone", async () => {
    const window = await analyze([
      "--since",
      "2026-03-07T14:03:23Z",
      "--until",
      "2026-03-07T14:03:24Z",
      fixture("access.log"),
    ]);

    expect(window.lines.matched).toBe(1);
    expect(window.errorTypes.top).toEqual([{ type: "HTTP 503", count: 1 }]);
  });

  it("reads gzip files like plain ones", async () => {
    const dir = await tempDir();
    const gz = path.join(dir, "generic.log.1.gz");
    await writeFile(gz, gzipSync(await readFile(fixture("generic.log"))));

    const plain = await analyze([fixture("generic.log")]);
    const zipped = await analyze([gz]);

    expect(zipped.files[0]).toMatchObject({ compressed: true, format: "generic" });
    expect(zipped.levels).toEqual(plain.levels);
    expect(zipped.errors).toBeGreaterThan(0);
  });

  it("draws a progress bar on stderr when asked, keeping stdout for the result", async () => {
    const run = await opsdeck(["logs", "analyze", "--json", "--progress", fixture("generic.log")]);

    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toMatch(/analyze .*100% \| .* of /);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
  });

  it("refuses bad filters: a time it cannot read exits 2, an unknown level exits 3 naming it", async () => {
    const since = await opsdeck(["logs", "analyze", "--since", "yesterday", fixture("generic.log")]);
    const level = await opsdeck(["logs", "analyze", "--level", "loud", fixture("generic.log")]);

    expect(since.code).toBe(EXIT.usage);
    expect(since.stderr).toContain(
      '--since: expected an ISO 8601 time (2026-03-07T14:00:00Z) or an age (2h), got "yesterday"',
    );
    expect(level.code).toBe(EXIT.invalid);
    expect(level.stderr).toContain("levels[0]");
  });
});

describe("opsdeck logs rotate", () => {
  async function log(): Promise<{ dir: string; file: string; content: string }> {
    const dir = await tempDir();
    const file = path.join(dir, "app.log");
    const content = "2026-03-07T14:03:23Z INFO request served\n".repeat(100);
    await writeFile(file, content);
    return { dir, file, content };
  }

  it("reports what it would do with --dry-run and changes nothing", async () => {
    const { dir, file, content } = await log();

    const run = await opsdeck(["logs", "rotate", file, "--max-size", "1KB", "--dry-run", "--json"]);

    expect(run.code).toBe(EXIT.ok);
    const [result] = JSON.parse(run.stdout) as RotationResult[];
    expect(result).toMatchObject({ rotated: false, dryRun: true });
    expect(result?.archive).toMatch(/app\.log\.\d{8}T\d{6}Z\.gz$/);
    expect(await readFile(file, "utf8")).toBe(content);
    expect(await readdir(dir)).toEqual(["app.log"]);
  });

  it("rotates into a gzip archive holding every line and leaves an empty log", async () => {
    const { dir, file, content } = await log();

    const run = await opsdeck(["logs", "rotate", file, "--max-size", "1KB"]);

    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/app\.log\s+rotated\s+/);
    const archives = (await readdir(dir)).filter((n) => n.endsWith(".gz"));
    expect(archives).toHaveLength(1);
    expect(gunzipSync(await readFile(path.join(dir, archives[0] as string))).toString()).toBe(content);
    expect((await stat(file)).size).toBe(0);
  });

  it("leaves a small file alone, and needs a trigger", async () => {
    const { file } = await log();

    const small = await opsdeck(["logs", "rotate", file, "--max-size", "1MB"]);
    const noTrigger = await opsdeck(["logs", "rotate", file]);
    const badSize = await opsdeck(["logs", "rotate", file, "--max-size", "10X"]);
    const badAge = await opsdeck(["logs", "rotate", file, "--max-age", "soon"]);

    expect(small.code).toBe(EXIT.ok);
    expect(small.stdout).toMatch(/app\.log\s+kept/);
    expect(noTrigger.code).toBe(EXIT.usage);
    expect(noTrigger.stderr).toContain("give --max-size, --max-age or --force");
    expect(badSize.code).toBe(EXIT.usage);
    expect(badSize.stderr).toContain(
      '--max-size: expected a size such as 100MB, 1.5G or 4096 (bytes), got "10X"',
    );
    expect(badAge.code).toBe(EXIT.usage);
    expect(badAge.stderr).toContain("--max-age: expected a duration");
  });
});
