import { appendFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { followLog, type RotationEvent, rotateLog } from "../../../app/logs";
import type { FollowOptions } from "../../../app/logs/follow";
import { useTempDirs } from "../../support/temp-dir";

/** Runs a follower in the background, collecting its lines until stopped. */
function follow(file: string, options: FollowOptions = {}) {
  const controller = new AbortController();
  const lines: string[] = [];
  const rotations: RotationEvent[] = [];
  let polls = 0;
  const finished = (async () => {
    for await (const line of followLog(file, {
      pollIntervalMs: 20,
      rotationGraceMs: 300,
      signal: controller.signal,
      onRotation: (event) => rotations.push(event),
      onPoll: () => {
        polls++;
      },
      ...options,
    })) {
      lines.push(line.truncated ? `${line.text}…` : line.text);
    }
  })();
  return {
    lines,
    rotations,
    /** Resolves once the follower has checked the file at least once (it knows where it starts). */
    started: () => until(() => polls > 0),
    async stop() {
      controller.abort();
      await finished;
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 10_000, interval: 10 });
}

describe("followLog", () => {
  const tempDir = useTempDirs("opsdeck-follow");

  it("emits lines appended after it starts, not the ones already there", async () => {
    const file = path.join(await tempDir(), "app.log");
    await writeFile(file, "old 1\nold 2\n");
    const follower = follow(file);
    await follower.started();

    await appendFile(file, "new 1\nnew 2\n");
    await until(() => follower.lines.length === 2);
    await follower.stop();

    expect(follower.lines).toEqual(["new 1", "new 2"]);
  });

  it("emits existing lines with fromStart and holds a partial line until its end arrives", async () => {
    const file = path.join(await tempDir(), "app.log");
    await writeFile(file, "one\r\ntwo\nthr");
    const follower = follow(file, { fromStart: true });
    await until(() => follower.lines.length === 2);

    await appendFile(file, "ee\n");
    await until(() => follower.lines.length === 3);
    await follower.stop();

    expect(follower.lines).toEqual(["one", "two", "three"]);
  });

  it("waits for a file that does not exist yet and reads it from its start", async () => {
    const file = path.join(await tempDir(), "later.log");
    const follower = follow(file);
    await follower.started();
    await writeFile(file, "first\n");
    await until(() => follower.lines.length === 1);
    await follower.stop();
    expect(follower.lines).toEqual(["first"]);
  });

  it("cuts an over-long line and marks it", async () => {
    const file = path.join(await tempDir(), "app.log");
    await writeFile(file, "");
    const follower = follow(file, { maxLineBytes: 8 });
    await follower.started();
    await appendFile(file, "0123456789abcdef\nshort\n");
    await until(() => follower.lines.length === 2);
    await follower.stop();
    expect(follower.lines).toEqual(["01234567…", "short"]);
  });

  it("survives rename rotation: late writes to the old file and the new file's lines each arrive once", async () => {
    const file = path.join(await tempDir(), "app.log");
    await writeFile(file, "");
    const follower = follow(file);
    await follower.started();
    await appendFile(file, "line 1\nline 2\n");
    await until(() => follower.lines.length === 2);

    await rename(file, `${file}.1`);
    // A writer still holding the old file appends before it reopens.
    await appendFile(`${file}.1`, "line 3\n");
    await writeFile(file, "line 4\n");
    await appendFile(file, "line 5\n");
    await until(() => follower.lines.length === 5);
    // Past the grace period the old file is closed; nothing more may arrive.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await follower.stop();

    expect([...follower.lines].sort()).toEqual(["line 1", "line 2", "line 3", "line 4", "line 5"]);
    expect(follower.rotations.map((event) => event.kind)).toEqual(["rename"]);
  });

  it("survives copytruncate: lines written just before the truncation come from the rotated archive", async () => {
    const file = path.join(await tempDir(), "app.log");
    await writeFile(file, "");
    // A slow poll, so the writes and the rotation below fall between two polls.
    const follower = follow(file, { pollIntervalMs: 1500, rotationGraceMs: 5000 });
    await follower.started();
    await appendFile(file, "line 1\nline 2\n");
    await until(() => follower.lines.length === 2);

    await appendFile(file, "line 3\nline 4\n");
    const result = await rotateLog(file, { force: true, mode: "copytruncate" });
    await appendFile(file, "line 5\n");
    await until(() => follower.lines.length === 5);
    await follower.stop();

    expect(follower.lines).toEqual(["line 1", "line 2", "line 3", "line 4", "line 5"]);
    expect(follower.rotations).toEqual([{ kind: "truncate", path: file, recoveredFrom: result.archive }]);
  });

  it("stops cleanly when aborted", async () => {
    const file = path.join(await tempDir(), "app.log");
    await writeFile(file, "");
    const follower = follow(file);
    await follower.stop();
    await appendFile(file, "after stop\n");
    expect(follower.lines).toEqual([]);
  });
});
