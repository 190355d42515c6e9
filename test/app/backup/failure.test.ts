import { spawn } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { BackupError, createBackup, listBackups, readBackupStates } from "../../../app/backup";
import { type LocalStore, type PutOptions, S3Store, type Store } from "../../../app/storage";
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

  it("stops and cleans up when the caller aborts midway", async () => {
    const store = await makeStore();
    const source = await bigTree(12);
    const controller = new AbortController();

    const error = await rejection(
      createBackup({
        store,
        sources: [source],
        host: "web01",
        signal: controller.signal,
        progressIntervalMs: 0,
        onEvent: (e) => {
          if (e.type === "progress" && e.bytesOut > 6 * 1024 * 1024) controller.abort();
        },
      }),
    );

    expect(error.failure.phase).toBe("archiving");
    expect(error.failure.error).toBe("cancelled before it completed (aborted by the caller)");
    expect(await backupObjects(store)).toEqual([]);
  });

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
      put: (key: string, body: string | Uint8Array, options?: PutOptions) =>
        key.endsWith(".manifest.json")
          ? Promise.reject(new Error("503 SlowDown"))
          : store.put(key, body, options),
    });

    const error = await rejection(createBackup({ store: manifestFails, sources: [source], host: "web01" }));

    expect(error.failure).toMatchObject({ phase: "writing-manifest" });
    expect(error.failure.error).toContain("503 SlowDown");
    expect(await backupObjects(store)).toEqual([]);
  });

  it("leaves no complete backup when its process is killed mid-upload", async () => {
    const store = await makeStore();
    const source = await bigTree(24);
    const target =
      store instanceof S3Store
        ? ["s3", s3().endpoint, store.location.replace(/^s3:\/\/|\/$/g, "")]
        : [(store as LocalStore).root];
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "../../fixtures/backup/backup-child.ts"), ...target, source],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );

    for await (const line of createInterface({ input: child.stdout })) {
      const event = JSON.parse(line) as { bytesOut?: number; finished?: boolean };
      expect(event.finished).toBeUndefined();
      if ((event.bytesOut ?? 0) > 8 * 1024 * 1024) {
        child.kill("SIGKILL");
        break;
      }
    }

    expect(await exited).toBe("SIGKILL");
    expect((await listBackups(store)).filter((b) => b.complete)).toEqual([]);
    expect((await backupObjects(store)).filter((k) => k.endsWith(".manifest.json"))).toEqual([]);
  });
});

describe("a backup onto a full disk", () => {
  it("fails cleanly, naming the cause, with no partial archive left", async () => {
    const dir = await tempDir();
    const disk = await tinyDiskStore(dir, 2 * 1024 * 1024);
    try {
      const source = await bigTree(4);

      const error = await rejection(createBackup({ store: disk.store, sources: [source], host: "web01" }));

      expect(error.failure.error).toMatch(/ENOSPC|no space/i);
      expect(await backupObjects(disk.store)).toEqual([]);
      const leftovers = await fs.readdir(path.join(dir, "backups", "web01")).catch(() => []);
      expect(leftovers).toEqual([]);
    } finally {
      await disk.release();
    }
  });
});
