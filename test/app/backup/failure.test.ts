import { spawn } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  BackupError,
  BackupNotFoundError,
  createBackup,
  listBackups,
  pruneBackups,
  readBackupStates,
  restoreBackup,
  verifyBackup,
} from "../../../app/backup";
import { type LocalStore, type PutStreamOptions, S3Store, type Store } from "../../../app/storage";
import { useStoreBackends } from "../../support/store-backends";
import { collect, enospc, FailingWriteStore, noise, tinyDiskStore, writeTree } from "./helpers";

// 5 MiB parts (S3's minimum) so a few MiB of input already makes a multipart upload.
const { backends, tempDir, s3 } = useStoreBackends("opsdeck-backup-fail", { partSize: 5 * 1024 * 1024 });
const now = () => new Date("2026-11-21T05:00:00Z");

/** Incompressible input, so archive bytes track input bytes and a fault lands mid-upload. */
async function bigTree(mebibytes: number): Promise<string> {
  const root = await tempDir();
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < mebibytes; i++) files[`data/part-${i}.bin`] = noise(1024 * 1024);
  await writeTree(root, files);
  return root;
}

/** Everything under backups/, including leftovers that are not complete backups. */
async function backupObjects(store: Store): Promise<string[]> {
  return (await collect(store.list("backups/"))).map((o) => o.key);
}

async function rejection(promise: Promise<unknown>): Promise<BackupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

describe.each(backends)("a failing backup with %s", (_name, makeStore) => {
  it("aborts the upload when the destination fails midway and leaves nothing behind", async () => {
    const store = await makeStore();
    const source = await bigTree(12);
    const failing = new FailingWriteStore(store, 6 * 1024 * 1024, enospc);

    const error = await rejection(
      createBackup({ store: failing, sources: [source], host: "web01", label: "etc", now }),
    );

    expect(error.failure).toMatchObject({
      ok: false,
      host: "web01",
      label: "etc",
      id: "20261121T050000Z-etc",
      phase: "archiving",
    });
    expect(error.failure.error).toContain("ENOSPC");
    expect(await backupObjects(store)).toEqual([]);
    const [state] = await readBackupStates(store, "web01");
    expect(state?.lastFailure).toMatchObject({ phase: "archiving", failedAt: "2026-11-21T05:00:00.000Z" });
    expect(state?.lastFailure?.error).toContain("ENOSPC");
    expect(state?.lastSuccess).toBeUndefined();
  });

  // zstd into a local store writes the archive file itself (archive-output.ts): the other path.
  it.each(["gzip", "zstd"] as const)(
    "stops and cleans up when the caller aborts midway (%s)",
    async (name) => {
      const store = await makeStore();
      const source = await bigTree(12);
      const controller = new AbortController();

      const error = await rejection(
        createBackup({
          store,
          sources: [source],
          host: "web01",
          compressor: { name },
          signal: controller.signal,
          progressIntervalMs: 0,
          onEvent: (e) => {
            if (e.type === "progress" && e.bytesIn > 6 * 1024 * 1024) controller.abort();
          },
        }),
      );

      expect(error.failure.phase).toBe("archiving");
      expect(error.failure.error).toBe("cancelled before it completed (aborted by the caller)");
      expect(await backupObjects(store)).toEqual([]);
    },
  );

  it("reports a compressor that crashes midway and keeps nothing it produced", async () => {
    const store = await makeStore();
    const source = await bigTree(4);
    const bin = await tempDir();
    const fakePigz = path.join(bin, "pigz");
    await fs.writeFile(
      fakePigz,
      '#!/bin/sh\n[ "$1" = --version ] && exit 0\nhead -c 1000000\necho "pigz: abort: write error" >&2\nexit 1\n',
      { mode: 0o755 },
    );

    const error = await rejection(
      createBackup({
        store,
        sources: [source],
        host: "web01",
        compressor: { name: "pigz" },
        programs: { pigz: fakePigz },
      }),
    );

    expect(error.failure.error).toMatch(/exited with status 1: pigz: abort: write error/);
    expect(await backupObjects(store)).toEqual([]);
  });

  it("removes the archive when the manifest cannot be written", async () => {
    const store = await makeStore();
    const source = await bigTree(1);
    const manifestFails: Store = Object.assign(Object.create(store) as Store, {
      putStream: (key: string, body: Readable, options?: PutStreamOptions) =>
        key.endsWith(".manifest.json")
          ? Promise.reject(new Error("503 SlowDown"))
          : store.putStream(key, body, options),
      // A local store has the manifest written through a descriptor.
      ...(store.putFromDescriptor
        ? {
            putFromDescriptor: (
              key: string,
              write: (fd: number) => Promise<void>,
              options?: PutStreamOptions,
            ) =>
              key.endsWith(".manifest.json")
                ? Promise.reject(new Error("503 SlowDown"))
                : store.putFromDescriptor?.(key, write, options),
          }
        : {}),
    });

    const error = await rejection(createBackup({ store: manifestFails, sources: [source], host: "web01" }));

    expect(error.failure).toMatchObject({ phase: "writing-manifest" });
    expect(error.failure.error).toContain("503 SlowDown");
    expect(await backupObjects(store)).toEqual([]);
  });

  it("leaves nothing that lists or verifies as complete when its process is killed mid-upload", async () => {
    const store = await makeStore();
    const bucket = bucketOf(store);

    const killed = await killedMidUpload(store, bucket);

    const [left, ...more] = await whatAKilledRunLeaves(store, bucket);
    expect(more).toEqual([]);
    expect(left?.key).toBe(killed);
    expect(killed).toMatch(/^backups\/web01\/\d{8}T\d{6}Z-killed\.tar\.gz$/);
    expect(await listBackups(store)).toEqual([]);
    expect(await backupObjects(store)).toEqual([]);
    const verdict = await verifyBackup({ store, backup: killed });
    expect(verdict).toMatchObject({ ok: false, problems: [expect.stringMatching(/no such backup in /)] });
  });

  it("backs up again after a killed run, and prune removes what the killed run left where it can", async () => {
    const store = await makeStore();
    const bucket = bucketOf(store);
    const killed = await killedMidUpload(store, bucket);

    const record = await createBackup({ store, sources: [await bigTree(1)], host: "web01", label: "killed" });
    const result = await pruneBackups({
      store,
      policy: { keepLast: 1 },
      now: () => new Date(Date.now() + 2 * 3_600_000),
      incompleteGraceMs: 3_600_000,
    });

    expect((await listBackups(store)).map((b) => [b.id, b.complete])).toEqual([[record.id, true]]);
    expect((await verifyBackup({ store, backup: record.key })).ok).toBe(true);
    if (bucket) {
      // S3 has no leftover prune can see; the bucket's AbortIncompleteMultipartUpload rule removes it.
      expect(result.incomplete).toEqual([]);
      expect((await s3().pendingUploads(bucket)).map((u) => u.key)).toEqual([killed]);
    } else {
      expect(result.incomplete.map((b) => b.unfinishedWrite?.key)).toEqual([killed]);
      expect(await whatAKilledRunLeaves(store, bucket)).toEqual([]);
    }
  });

  it("leaves an archive that lists and verifies as incomplete when killed before its manifest is written", async () => {
    const store = await makeStore();
    const bucket = bucketOf(store);
    const child = backupChild(store, bucket, await bigTree(1), { OPSDECK_KILL_AT_PHASE: "writing-manifest" });

    expect(await child.exited).toBe("SIGKILL");
    const listed = await listBackups(store);
    const archive = listed[0]?.archive?.key as string;
    const verdict = await verifyBackup({ store, backup: archive });
    const target = await tempDir();
    const refusal = await restoreBackup({ store, backup: archive, target }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const kept = await pruneBackups({ store, policy: { keepLast: 1 }, incompleteGraceMs: 3_600_000 });
    const pruned = await pruneBackups({
      store,
      policy: { keepLast: 1 },
      now: () => new Date(Date.now() + 2 * 3_600_000),
      incompleteGraceMs: 3_600_000,
    });

    expect(listed).toEqual([expect.objectContaining({ host: "web01", label: "killed", complete: false })]);
    expect(listed[0]?.manifestKey).toBeUndefined();
    expect(verdict).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/incomplete: .* has no manifest/)],
    });
    expect(refusal).toBeInstanceOf(BackupNotFoundError);
    expect((refusal as Error).message).toMatch(/incomplete/);
    expect(await fs.readdir(target)).toEqual([]);
    expect(kept.deleted).toEqual([]);
    expect(pruned.deleted).toEqual([archive]);
    expect(await backupObjects(store)).toEqual([]);
  });
});

/** The s3rver bucket behind an S3Store; undefined for a LocalStore. */
function bucketOf(store: Store): string | undefined {
  return store instanceof S3Store ? store.location.replace(/^s3:\/\/|\/$/g, "") : undefined;
}

interface Leftover {
  key: string;
  /** Parts s3rver has stored (S3). */
  parts: number;
  /** Bytes in the hidden temp file (LocalStore). */
  bytes: number;
}

/** What an upload in progress, or one whose process died, has left: s3rver's pending upload or the temp file. */
async function whatAKilledRunLeaves(store: Store, bucket: string | undefined): Promise<Leftover[]> {
  if (bucket) {
    return (await s3().pendingUploads(bucket)).map((u) => ({ key: u.key, parts: u.parts.length, bytes: 0 }));
  }
  const writes = store.listUnfinishedWrites ? await collect(store.listUnfinishedWrites("backups/")) : [];
  return writes.map((w) => ({ key: w.key, parts: 0, bytes: w.size }));
}

/** Runs backup-child.ts (label "killed") against `store`; `exited` resolves with the signal that ended it. */
function backupChild(
  store: Store,
  bucket: string | undefined,
  source: string,
  env: Record<string, string> = {},
): { exited: Promise<NodeJS.Signals | null>; running: () => boolean; kill: () => void } {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(__dirname, "../../fixtures/backup/backup-child.ts"),
      ...(bucket ? ["s3", s3().endpoint, bucket] : [(store as LocalStore).root]),
      source,
    ],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...env } },
  );
  let running = true;
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => {
      running = false;
      resolve(signal);
    }),
  );
  return { exited, running: () => running, kill: () => child.kill("SIGKILL") };
}

/**
 * Runs a backup in a child process and SIGKILLs it once its upload is provably under way (a part
 * stored on s3rver, or more than 6 MiB in the temp file); returns the key it was writing.
 */
async function killedMidUpload(store: Store, bucket: string | undefined): Promise<string> {
  const child = backupChild(store, bucket, await bigTree(32));
  let left: Leftover[] = [];
  while (child.running() && !left.some((l) => l.parts > 0 || l.bytes > 6 * 1024 * 1024)) {
    await delay(5);
    left = await whatAKilledRunLeaves(store, bucket);
  }
  child.kill();
  expect(await child.exited).toBe("SIGKILL");
  return left[0]?.key as string;
}

describe("a backup onto a full disk", () => {
  it.each(["gzip", "zstd"] as const)(
    "fails cleanly, naming the cause, with no partial archive left (%s)",
    async (name) => {
      const dir = await tempDir();
      const disk = await tinyDiskStore(dir, 2 * 1024 * 1024);
      try {
        const source = await bigTree(4);

        const error = await rejection(
          createBackup({ store: disk.store, sources: [source], host: "web01", compressor: { name } }),
        );

        expect(error.failure.error).toMatch(/ENOSPC|no space/i);
        expect(await backupObjects(disk.store)).toEqual([]);
        const leftovers = await fs.readdir(path.join(dir, "backups", "web01")).catch(() => []);
        expect(leftovers).toEqual([]);
      } finally {
        await disk.release();
      }
    },
  );
});
