import { copyFile, readFile, stat, utimes, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../app/lib/validation";
import { analyzeLogs, LogFileError } from "../../../app/logs";
import { type InspectedFile, MIN_SPLIT_BYTES, planTasks } from "../../../app/logs/plan-tasks";
import { giveBackReadBuffer, takeReadBuffer } from "../../../app/logs/read-buffers";
import { emptyTally, ScanState } from "../../../app/logs/scan-state";
import { runScanTask, type ScanTask } from "../../../app/logs/scan-task";
import { runTasks } from "../../../app/logs/worker-pool";
import { generateSyslogFile } from "../../support/log-generator";
import { DEFAULT_SCAN_CONFIG } from "../../support/scan-config";
import { useTempDirs } from "../../support/temp-dir";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "logs");
const START = Date.UTC(2026, 2, 7, 0, 0, 0);

/** Files written in 2026, so RFC 3164 lines (which lack a year) are read as 2026. */
async function touch2026(file: string): Promise<void> {
  const time = new Date(Date.UTC(2026, 2, 8));
  await utimes(file, time, time);
}

const config = DEFAULT_SCAN_CONFIG;

describe("analyzeLogs on a generated syslog file", () => {
  const tempDir = useTempDirs("opsdeck-logs");

  it("finds exactly the lines, levels, error types and client IPs the generator wrote", async () => {
    const file = path.join(await tempDir(), "syslog.log");
    const expected = generateSyslogFile(file, {
      bytes: 2_000_000,
      startMs: START,
      ipPool: 3000,
      burstMinutes: [1],
    });
    await touch2026(file);

    const analysis = await analyzeLogs(file, { top: 10, incidents: { errorsPerMinute: 1000 } });

    expect(analysis.files[0]).toMatchObject({ format: "syslog", compressed: false, error: null });
    expect(analysis.lines).toMatchObject({
      lines: expected.lines,
      parsed: expected.lines,
      unparsed: 0,
      bytes: expected.bytes,
    });
    expect(analysis.levels).toMatchObject(expected.levels);
    expect(Object.fromEntries(analysis.errorTypes.top.map((item) => [item.type, item.count]))).toEqual(
      expected.errorTypes,
    );
    expect(analysis.clientIps).toMatchObject({ unique: expected.uniqueIps, exact: true, estimator: "exact" });
    expect(analysis.timeRange).toEqual({
      first: new Date(expected.firstTs).toISOString(),
      last: new Date(expected.lastTs).toISOString(),
    });
    expect(analysis.histogram.interval).toBe("minute");
    expect(analysis.histogram.buckets.reduce((sum, bucket) => sum + bucket.lines, 0)).toBe(expected.lines);
    // Minute 1 bursts: errors in ~60 % of ~8000 lines, far above the quiet ~4 %.
    expect(analysis.incidents.items).toHaveLength(1);
    expect(analysis.incidents.items[0]?.start.startsWith("2026-03-07T00:01")).toBe(true);
    expect(analysis.incidents.items[0]?.hotMinutes).toBe(1);
    expect(analysis.topMessages.items[0]?.message).toBe(
      "app[<*>]: INFO: request completed method=GET path=/api/<*>/orders/<*> status=<*> duration_ms=<*> client=<*>",
    );
  });

  it("gives the same result for a .gz copy, several files at once and worker threads", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "syslog.log");
    generateSyslogFile(file, { bytes: 1_000_000, startMs: START, ipPool: 2000 });
    await writeFile(`${file}.1.gz`, gzipSync(await readFile(file)));
    await touch2026(file);
    await touch2026(`${file}.1.gz`);

    const plain = await analyzeLogs(file, { workers: 1 });
    const both = await analyzeLogs([file, `${file}.1.gz`], { workers: 2 });

    expect(both.files.map((f) => [f.format, f.compressed, f.lines.lines])).toEqual([
      ["syslog", false, plain.lines.lines],
      ["syslog", true, plain.lines.lines],
    ]);
    expect(both.lines.lines).toBe(2 * plain.lines.lines);
    expect(both.levels.error).toBe(2 * plain.levels.error);
    expect(both.clientIps.unique).toBe(plain.clientIps.unique);
    expect(both.clientIps.top[0]?.count).toBe(2 * (plain.clientIps.top[0]?.count ?? 0));
  });

  it("reads every line exactly once however a file is cut into ranges", async () => {
    const file = path.join(await tempDir(), "syslog.log");
    const expected = generateSyslogFile(file, { bytes: 300_000, startMs: START, ipPool: 500 });
    const size = (await stat(file)).size;
    const task = (start: number, end: number): ScanTask => ({
      fileIndex: 0,
      path: file,
      compressed: false,
      format: "syslog",
      referenceMs: Date.UTC(2026, 2, 8),
      start,
      end,
    });
    // Cuts at line starts, mid-line, one byte apart, and several inside one line.
    const cuts = [0, 1, 2, 117, 118, 5000, 5001, 5002, 77_777, 150_000, size - 1, size];
    const tasks = cuts.slice(1).map((end, i) => task(cuts[i] as number, end));

    const inThread = await runTasks(tasks, 1, config, { workers: 1 });
    const inWorkers = await runTasks(tasks, 1, config, { workers: 2 });

    for (const { state, files } of [inThread, inWorkers]) {
      expect(files[0]?.tally.counters).toMatchObject({
        lines: expected.lines,
        bytes: expected.bytes,
        unparsed: 0,
      });
      expect(files[0]?.tally.levels[6]).toBe(expected.levels.error);
      expect(state.ips.distinct).toBe(expected.uniqueIps);
    }
  });

  it("estimates unique IPs with HyperLogLog beyond the exact limit and says so", async () => {
    const file = path.join(await tempDir(), "many-ips.log");
    const expected = generateSyslogFile(file, { bytes: 3_000_000, startMs: START, ipPool: 40_000 });
    await touch2026(file);

    const analysis = await analyzeLogs(file, { limits: { ipExactLimit: 2000 } });

    expect(analysis.clientIps).toMatchObject({ exact: false, estimator: "hyperloglog-p14" });
    expect(Math.abs(analysis.clientIps.unique - expected.uniqueIps) / expected.uniqueIps).toBeLessThan(0.03);
    expect(analysis.clientIps.maxError).toBeGreaterThan(0);
  });
});

describe("analyzeLogs filters", () => {
  const tempDir = useTempDirs("opsdeck-logs");

  async function generated() {
    const file = path.join(await tempDir(), "syslog.log");
    // ~25 000 lines over ~3 minutes.
    const expected = generateSyslogFile(file, { bytes: 3_000_000, startMs: START, ipPool: 500 });
    await touch2026(file);
    return { file, expected };
  }

  it("keeps only the given levels and counts the rest as filtered out", async () => {
    const { file, expected } = await generated();
    const analysis = await analyzeLogs(file, { levels: ["error", "fatal"] });
    expect(analysis.lines.matched).toBe(expected.levels.error);
    expect(analysis.lines.filteredOut).toBe(expected.lines - (expected.levels.error ?? 0));
    expect(analysis.levels.info).toBe(0);
  });

  it("keeps lines containing a text or matching an expression", async () => {
    const { file, expected } = await generated();
    const text = await analyzeLogs(file, { pattern: "DiskFull" });
    expect(text.lines.matched).toBe(expected.errorTypes.DiskFull);
    const regex = await analyzeLogs(file, { pattern: /ERROR: (DiskFull|OutOfMemory)/g });
    expect(regex.lines.matched).toBe(
      (expected.errorTypes.DiskFull ?? 0) + (expected.errorTypes.OutOfMemory ?? 0),
    );
  });

  it("keeps lines from since (inclusive) until (exclusive)", async () => {
    const { file } = await generated();
    const all = await analyzeLogs(file, { histogram: "minute" });
    const second = all.histogram.buckets[1];
    const third = all.histogram.buckets[2];
    const window = await analyzeLogs(file, { since: second?.start, until: new Date(third?.start ?? "") });
    expect(window.lines.matched).toBe(second?.lines);
    expect(window.histogram.buckets.map((bucket) => bucket.start)).toEqual([second?.start]);
  });

  it("rejects bad options with every problem named by its field", async () => {
    const { file } = await generated();
    const attempt = analyzeLogs(file, {
      format: "xml" as never,
      levels: ["loud" as never],
      since: "yesterday-ish",
      top: 0,
    });
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(/format:[\s\S]*levels\[0\]:[\s\S]*since:[\s\S]*top:/);
  });
});

describe("analyzeLogs on hand-written and malformed input", () => {
  const tempDir = useTempDirs("opsdeck-logs");

  it.each([
    ["syslog-3164.log", "syslog", 6],
    ["syslog-5424.log", "syslog", 4],
    ["access.log", "access", 4],
    ["app.jsonl", "json", 4],
    ["generic.log", "generic", 5],
  ])("detects the format of %s", async (name, format, parsed) => {
    const file = path.join(await tempDir(), name);
    await copyFile(path.join(FIXTURES, name), file);
    await touch2026(file);
    const analysis = await analyzeLogs(file);
    expect(analysis.files[0]?.format).toBe(format);
    expect(analysis.lines.parsed).toBe(parsed);
  });

  it("counts CRLF, binary garbage, empty and unknown lines and keeps going to the last line", async () => {
    const file = path.join(await tempDir(), "malformed.log");
    await copyFile(path.join(FIXTURES, "malformed.log"), file);
    await touch2026(file);

    const analysis = await analyzeLogs(file, { format: "syslog" });

    expect(analysis.lines).toMatchObject({ lines: 6, parsed: 3, empty: 1, unparsed: 2, binary: 1, crlf: 2 });
    expect(analysis.levels).toMatchObject({ info: 2, error: 1 });
    expect(analysis.errorTypes.top).toEqual([{ type: "DiskFull", count: 1 }]);
    expect(analysis.topMessages.items.map((item) => item.message)).toContain(
      "app[<*>]: INFO: last line without a newline",
    );
  });

  it("reads a 10 MB line as one oversized line and the lines around it normally", async () => {
    const file = path.join(await tempDir(), "long.log");
    const good = "Mar  7 14:03:22 web01 app[1]: INFO: fine\n";
    await writeFile(
      file,
      `${good}Mar  7 14:03:22 web01 app[1]: ERROR: HugeLine ${"x".repeat(10 * 1024 * 1024)}\n${good}`,
    );
    await touch2026(file);

    const analysis = await analyzeLogs(file, { chunkBytes: 64 * 1024 });

    expect(analysis.lines).toMatchObject({ lines: 3, parsed: 3, oversized: 1 });
    expect(analysis.errorTypes.top).toEqual([{ type: "HugeLine", count: 1 }]);
  });

  it("reports a corrupt archive in its file entry and still counts the lines before the damage", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "syslog.log");
    const expected = generateSyslogFile(file, { bytes: 400_000, startMs: START });
    const archive = gzipSync(await readFile(file));
    await writeFile(`${file}.gz`, archive.subarray(0, Math.floor(archive.length * 0.6)));

    const analysis = await analyzeLogs(`${file}.gz`);

    expect(analysis.files[0]?.error).toMatch(/unexpected end of file/);
    expect(analysis.lines.lines).toBeGreaterThan(0);
    expect(analysis.lines.lines).toBeLessThan(expected.lines);
  });

  it("refuses a missing file before scanning anything", async () => {
    const missing = path.join(await tempDir(), "nope.log");
    await expect(analyzeLogs([missing])).rejects.toThrow(LogFileError);
    await expect(analyzeLogs([missing])).rejects.toThrow(/nope\.log: no such file/);
  });

  it("stops when aborted", async () => {
    const file = path.join(await tempDir(), "syslog.log");
    generateSyslogFile(file, { bytes: 500_000, startMs: START });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(analyzeLogs(file, { signal: controller.signal })).rejects.toThrow("stop");
  });

  it("runs tasks into shared summaries, so ranges (and files) add no tables of their own", async () => {
    const file = path.join(await tempDir(), "syslog.log");
    const expected = generateSyslogFile(file, { bytes: 100_000, startMs: START });
    const state = new ScanState(config.limits);
    const tally = emptyTally();
    const base = {
      fileIndex: 0,
      path: file,
      compressed: false,
      format: "syslog" as const,
      referenceMs: Date.now(),
    };
    await runScanTask({ ...base, start: 0, end: 40_000 }, config, state, tally);
    await runScanTask({ ...base, start: 40_000, end: expected.bytes }, config, state, tally);
    expect(tally.counters.lines).toBe(expected.lines);
  });
});

describe("planTasks", () => {
  const file = (size: number): InspectedFile => ({
    index: 0,
    path: "big.log",
    size,
    mtimeMs: 0,
    compressed: false,
    format: "syslog",
    detection: null,
  });

  it("cuts a large file into adjoining ranges that shrink towards the end", () => {
    for (const workers of [2, 4]) {
      const size = 2 ** 30 + 53;
      const tasks = planTasks([file(size)], workers);
      expect(tasks[0]?.start).toBe(0);
      expect(tasks.at(-1)?.end).toBe(size);
      const sizes = tasks.map((task, i) => {
        if (i > 0) expect(task.start).toBe(tasks[i - 1]?.end);
        return task.end - task.start;
      });
      for (const bytes of sizes) expect(bytes).toBeGreaterThanOrEqual(MIN_SPLIT_BYTES);
      // Non-increasing, except that the last range takes a remainder too small to stand alone.
      for (let i = 1; i < sizes.length - 1; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1] as number);
      expect(sizes[0]).toBeLessThanOrEqual(size / (2 * workers) + 1);
      expect(tasks.length).toBeLessThan(8 * workers);
    }
  });

  it("keeps small files, compressed files and single-thread runs in one task", () => {
    expect(planTasks([file(2 * MIN_SPLIT_BYTES - 1)], 2)).toHaveLength(1);
    expect(planTasks([{ ...file(2 ** 30), compressed: true }], 2)).toHaveLength(1);
    expect(planTasks([file(2 ** 30)], 1)).toHaveLength(1);
  });
});

describe("read buffers", () => {
  it("hands a returned buffer to the next task and never one buffer to two takers", () => {
    const a = takeReadBuffer(4096);
    const b = takeReadBuffer(4096);
    expect(a).not.toBe(b);
    giveBackReadBuffer(a);
    giveBackReadBuffer(b);
    const c = takeReadBuffer(4096);
    const d = takeReadBuffer(4096);
    expect(c === a || c === b).toBe(true);
    expect(d === a || d === b).toBe(true);
    expect(c).not.toBe(d);
    // A different chunk size gets a fresh buffer.
    giveBackReadBuffer(c);
    expect(takeReadBuffer(8192)).toHaveLength(8192);
    giveBackReadBuffer(d);
  });
});
