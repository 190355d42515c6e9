import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../app/lib/validation";
import { RotationError, type RotationResult, rotateLog } from "../../../app/logs";
import { useTempDirs } from "../../support/temp-dir";

const APPENDER = path.join(__dirname, "..", "..", "fixtures", "logs", "appender.js");
const NOW = Date.UTC(2026, 2, 7, 14, 3, 22);

/** Every line in the log and its archives (gunzipped), archives oldest first, the live file last. */
async function allLines(dir: string, base: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => name.startsWith(`${base}.`) && !name.startsWith("."));
  names.sort();
  const lines: string[] = [];
  for (const name of [...names, base]) {
    let content = await readFile(path.join(dir, name)).catch(() => Buffer.alloc(0));
    if (name.endsWith(".gz")) content = gunzipSync(content);
    // A loop, not push(...lines): a full-speed writer's archive holds more lines than the stack has room for.
    for (const line of content.toString().split("\n")) if (line !== "") lines.push(line);
  }
  return lines;
}

/** Asserts that lines 0…count-1 (of the writer `tag`, when given) each appear exactly once. */
function expectEachOnce(lines: string[], count: number, tag?: string): void {
  const seen = new Map<number, number>();
  const mine = tag === undefined ? lines : lines.filter((line) => line.endsWith(` written by ${tag}`));
  for (const line of mine) {
    const n = Number(/^line (\d+)/.exec(line)?.[1]);
    seen.set(n, (seen.get(n) ?? 0) + 1);
  }
  const missing = [...Array(count).keys()].filter((n) => !seen.has(n));
  const duplicated = [...seen].filter(([, times]) => times > 1).map(([n]) => n);
  expect({ missing, duplicated, total: mine.length }).toEqual({ missing: [], duplicated: [], total: count });
}

function startAppender(
  file: string,
  count: number,
  batch: number,
  mode = "plain",
  pace: "paced" | "full" = "paced",
  tag = "the appender",
): { child: ChildProcess; done: Promise<void>; ready: Promise<void> } {
  const child = spawn(process.execPath, [APPENDER, file, String(count), String(batch), mode, pace, tag], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("ready")) onReady();
  });
  const done = new Promise<void>((resolve, reject) => {
    // A SIGHUP sent while it exits may end it by that signal: it is done once it said so.
    child.on("exit", (code, signal) =>
      output.includes(`done ${count}`)
        ? resolve()
        : reject(new Error(`appender exited with ${code ?? signal}`)),
    );
  });
  return { child, done, ready };
}

describe("rotateLog", () => {
  const tempDir = useTempDirs("opsdeck-rotate");

  async function logWith(content: string, mode = 0o640) {
    const dir = await tempDir();
    const file = path.join(dir, "app.log");
    await writeFile(file, content, { mode });
    return { dir, file };
  }

  it("rotates by size into a timestamped gzip archive and leaves an empty file with the same mode", async () => {
    const { dir, file } = await logWith("one\ntwo\n", 0o600);

    const result = await rotateLog(file, { maxBytes: 4, keep: 5, now: () => NOW });

    const archive = path.join(dir, "app.log.20260307T140322Z.gz");
    expect(result).toMatchObject({
      rotated: true,
      reason: "size 0.0 MiB ≥ 0.0 MiB",
      archive,
      archivedBytes: 8,
      deleted: [],
    });
    expect(gunzipSync(await readFile(archive)).toString()).toBe("one\ntwo\n");
    expect((await stat(file)).size).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(["app.log", "app.log.20260307T140322Z.gz"]);
  });

  it("leaves a log alone that is not due, empty or missing, and says why", async () => {
    const { dir, file } = await logWith("small\n");
    expect(await rotateLog(file, { maxBytes: 1_000_000 })).toMatchObject({
      rotated: false,
      reason: "not due",
    });
    await writeFile(file, "");
    expect(await rotateLog(file, { force: true })).toMatchObject({ rotated: false, reason: "empty" });
    expect(await rotateLog(path.join(dir, "gone.log"), { force: true })).toMatchObject({
      rotated: false,
      reason: "missing",
    });
    expect(await readdir(dir)).toEqual(["app.log"]);
  });

  it("rotates by age since the newest archive", async () => {
    const { dir, file } = await logWith("old enough\n");
    await writeFile(path.join(dir, "app.log.20260305T000000Z.gz"), "");
    const day = 86_400_000;
    expect(await rotateLog(file, { maxAgeMs: 3 * day, now: () => NOW })).toMatchObject({ rotated: false });
    expect(await rotateLog(file, { maxAgeMs: day, now: () => NOW })).toMatchObject({
      rotated: true,
      reason: "age 2.6 d ≥ 1.0 d",
    });
  });

  it("changes nothing in a dry run but reports the archive and the deletions it would make", async () => {
    const { dir, file } = await logWith("content\n");
    for (const day of [1, 2, 3]) await writeFile(path.join(dir, `app.log.2026030${day}T000000Z.gz`), "");
    const before = (await readdir(dir)).sort();

    const result = await rotateLog(file, { force: true, keep: 2, dryRun: true, now: () => NOW });

    expect(result).toMatchObject({
      rotated: false,
      dryRun: true,
      reason: "forced",
      archive: path.join(dir, "app.log.20260307T140322Z.gz"),
      deleted: [path.join(dir, "app.log.20260302T000000Z.gz"), path.join(dir, "app.log.20260301T000000Z.gz")],
    });
    expect((await readdir(dir)).sort()).toEqual(before);
    expect(await readFile(file, "utf8")).toBe("content\n");
  });

  it("keeps the newest archives (the new one included) and deletes the rest and the too old", async () => {
    const { dir, file } = await logWith("content\n");
    for (const day of [1, 2, 3, 4]) await writeFile(path.join(dir, `app.log.2026030${day}T000000Z.gz`), "");

    // keep 4 drops the 1st (the new archive counts); the 5-day limit drops the 2nd (5.6 days old).
    const result = await rotateLog(file, {
      force: true,
      keep: 4,
      maxArchiveAgeMs: 5 * 86_400_000,
      now: () => NOW,
    });

    expect(result.deleted.map((name) => path.basename(name)).sort()).toEqual([
      "app.log.20260301T000000Z.gz",
      "app.log.20260302T000000Z.gz",
    ]);
    expect((await readdir(dir)).sort()).toEqual([
      "app.log",
      "app.log.20260303T000000Z.gz",
      "app.log.20260304T000000Z.gz",
      "app.log.20260307T140322Z.gz",
    ]);
  });

  it("names a second rotation in the same second apart from the first", async () => {
    const { dir, file } = await logWith("first\n");
    await rotateLog(file, { force: true, now: () => NOW });
    await writeFile(file, "second\n");
    await rotateLog(file, { force: true, now: () => NOW });
    expect(gunzipSync(await readFile(path.join(dir, "app.log.20260307T140322Z-1.gz"))).toString()).toBe(
      "second\n",
    );
  });

  it("keeps the log untouched and leaves no archive when the archive cannot be written", async () => {
    const { dir, file } = await logWith("precious\n");
    const notADirectory = path.join(dir, "blocker");
    await writeFile(notADirectory, "");

    for (const mode of ["copytruncate", "rename"] as const) {
      await expect(rotateLog(file, { force: true, mode, archiveDir: notADirectory })).rejects.toThrow();
      expect(await readFile(file, "utf8")).toBe("precious\n");
    }
    expect((await readdir(dir)).sort()).toEqual(["app.log", "blocker"]);
  });

  it("keeps the renamed archive uncompressed when compressing it fails", async () => {
    const { dir, file } = await logWith("precious\n");
    const target = path.join(dir, "app.log.20260307T140322Z.gz");

    // A directory appearing where the .gz should go makes the archive's final rename fail.
    const attempt = rotateLog(file, { force: true, now: () => NOW, afterRename: () => mkdir(target) });

    await expect(attempt).rejects.toThrow();
    expect(await readFile(path.join(dir, "app.log.20260307T140322Z"), "utf8")).toBe("precious\n");
    expect((await readdir(dir)).sort()).toEqual([
      "app.log",
      "app.log.20260307T140322Z",
      "app.log.20260307T140322Z.gz",
    ]);
  });

  it("explains that rename rotation cannot move the log to another filesystem", async () => {
    const { file } = await logWith("precious\n");
    // /dev/shm is a tmpfs, the temp dir is not.
    const elsewhere = await mkdtemp(path.join("/dev/shm", "opsdeck-rotate-"));
    try {
      await expect(rotateLog(file, { force: true, archiveDir: elsewhere })).rejects.toThrow(
        /same filesystem/,
      );
      expect(await readFile(file, "utf8")).toBe("precious\n");
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it("refuses to run while another rotation holds the lock, and takes over a dead one's lock", async () => {
    const { dir, file } = await logWith("content\n");
    const lock = path.join(dir, ".app.log.rotate.lock");
    await writeFile(lock, String(process.pid));
    await expect(rotateLog(file, { force: true })).rejects.toThrow(RotationError);
    await writeFile(lock, "999999999");
    await expect(rotateLog(file, { force: true })).resolves.toMatchObject({ rotated: true });
  });

  it("rejects options that name no trigger or bad values", async () => {
    const { file } = await logWith("content\n");
    await expect(rotateLog(file, {})).rejects.toThrow(/maxBytes: give maxBytes, maxAgeMs or force/);
    await expect(rotateLog(file, { maxBytes: -1, keep: 1.5 })).rejects.toThrow(ValidationError);
  });
});

describe("rotateLog with a writer appending at the same time", () => {
  const tempDir = useTempDirs("opsdeck-rotate");

  it.each([
    ["by pid", "pid"],
    ["found through /proc", "auto"],
  ])(
    "copytruncate loses and duplicates no line of a writer in another process (paused %s)",
    async (_how, pause) => {
      const dir = await tempDir();
      const file = path.join(dir, "app.log");
      const count = 30_000;
      const appender = startAppender(file, count, 20);
      await appender.ready;

      let rotations = 0;
      let finished = false;
      appender.done.then(
        () => {
          finished = true;
        },
        () => {},
      );
      for (let round = 0; !finished && round < 100; round++) {
        const result = await rotateLog(file, {
          force: true,
          mode: "copytruncate",
          pauseWriters: pause === "auto" ? "auto" : [appender.child.pid as number],
          now: () => NOW + round * 1000,
        });
        if (result.rotated) rotations++;
        await delay(15);
      }
      await appender.done;

      expect(rotations).toBeGreaterThanOrEqual(2);
      expectEachOnce(await allLines(dir, "app.log"), count);
    },
  );

  it("copytruncate loses and duplicates no line of a writer in this process", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "app.log");
    const fd = openSync(file, "a");
    const count = 4000;
    let written = 0;
    const timer = setInterval(() => {
      for (let n = 0; n < 20 && written < count; n++, written++) {
        writeSync(fd, `line ${String(written).padStart(6, "0")} from a timer\n`);
      }
    }, 1);
    try {
      for (let round = 0; written < count; round++) {
        await rotateLog(file, { force: true, mode: "copytruncate", now: () => NOW + round * 1000 });
        await delay(10);
      }
    } finally {
      clearInterval(timer);
      closeSync(fd);
    }
    expectEachOnce(await allLines(dir, "app.log"), count);
  });

  it("rename rotation loses and duplicates no line of a writer that reopens on SIGHUP, and compresses only once it has let go", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "app.log");
    const count = 20_000;
    const appender = startAppender(file, count, 20, "reopen");
    await appender.ready;

    const results = [];
    let finished = false;
    appender.done.then(
      () => {
        finished = true;
      },
      () => {},
    );
    for (let round = 0; !finished && round < 50; round++) {
      results.push(
        await rotateLog(file, {
          force: true,
          mode: "rename",
          afterRename: () => {
            appender.child.kill("SIGHUP");
          },
          now: () => NOW + round * 1000,
        }),
      );
      await delay(20);
    }
    await appender.done;

    const rotated = results.filter((result) => result.rotated);
    expect(rotated.length).toBeGreaterThanOrEqual(2);
    for (const result of rotated)
      expect(result).toMatchObject({ deferredCompression: false, archive: expect.stringMatching(/\.gz$/) });
    expectEachOnce(await allLines(dir, "app.log"), count);
  });

  /**
   * A writer process (or several) appending at full speed, one line after the other with no pause,
   * until it is told to stop; resolves with how many lines each wrote.
   */
  function fullSpeedWriters(file: string, tags: string[], mode: "plain" | "reopen") {
    const writers = tags.map((tag) => {
      const child = spawn(process.execPath, [APPENDER, file, "until-signal", "200", mode, "full", tag], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let output = "";
      const ready = new Promise<void>((resolve) =>
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("ready")) resolve();
        }),
      );
      const done = new Promise<number>((resolve, reject) =>
        child.on("exit", () => {
          const lines = /done (\d+)/.exec(output)?.[1];
          if (lines === undefined) reject(new Error(`writer ${tag} ended without saying done`));
          else resolve(Number(lines));
        }),
      );
      return { child, ready, done };
    });
    return {
      ready: Promise.all(writers.map((w) => w.ready)),
      pids: writers.map((w) => w.child.pid as number),
      hangUp: () => {
        for (const w of writers) w.child.kill("SIGHUP");
      },
      stop: () => {
        for (const w of writers) w.child.kill("SIGUSR2");
        return Promise.all(writers.map((w) => w.done));
      },
    };
  }

  /** Rotates `times` times, each once the log has grown again, while the writers keep going. */
  async function rotateRepeatedly(
    file: string,
    times: number,
    rotate: (round: number) => Promise<RotationResult>,
  ) {
    const results: RotationResult[] = [];
    for (let round = 0; round < times; round++) {
      while ((await stat(file)).size < 64 * 1024) await delay(2);
      results.push(await rotate(round));
    }
    return results;
  }

  it("copytruncate loses and duplicates no line of two writer processes appending at full speed", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "app.log");
    const writers = fullSpeedWriters(file, ["A", "B"], "plain");
    await writers.ready;

    const results = await rotateRepeatedly(file, 8, (round) =>
      rotateLog(file, {
        force: true,
        mode: "copytruncate",
        pauseWriters: "auto",
        now: () => NOW + round * 1000,
      }),
    );
    const [a, b] = await writers.stop();

    expect(results.filter((r) => r.rotated)).toHaveLength(8);
    const lines = await allLines(dir, "app.log");
    expectEachOnce(lines, a as number, "A");
    expectEachOnce(lines, b as number, "B");
    expect(lines).toHaveLength((a as number) + (b as number));
  });

  it("rename rotation loses and duplicates no line of a writer appending at full speed that reopens on SIGHUP", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "app.log");
    const writer = fullSpeedWriters(file, ["the appender"], "reopen");
    await writer.ready;

    const results = await rotateRepeatedly(file, 8, (round) =>
      rotateLog(file, {
        force: true,
        mode: "rename",
        afterRename: writer.hangUp,
        now: () => NOW + round * 1000,
      }),
    );
    const [count] = await writer.stop();

    expect(results.filter((r) => r.rotated && !r.deferredCompression)).toHaveLength(8);
    expectEachOnce(await allLines(dir, "app.log"), count as number);
  });
});
