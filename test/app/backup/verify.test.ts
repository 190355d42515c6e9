import { open } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type BackupRecord,
  createBackup,
  readBackupStates,
  readManifest,
  verifyBackup,
} from "../../../app/backup";
import { compareEntries } from "../../../app/backup/verify";
import { LocalStore, readAll, S3Store, type Store } from "../../../app/storage";
import { useStoreBackends } from "../../support/store-backends";
import { noise, writeTree } from "./helpers";

const { backends, tempDir, s3 } = useStoreBackends("opsdeck-backup-verify");

/** The file holding an object's bytes, written behind the store's back as bit rot would be. */
function fileOf(store: Store, key: string): string {
  if (store instanceof S3Store) return s3().objectFile(store.location.replace(/^s3:\/\/|\/$/g, ""), key);
  return path.join((store as LocalStore).root, ...key.split("/"));
}

async function backedUp(store: Store): Promise<BackupRecord> {
  const root = await tempDir();
  await writeTree(root, {
    "etc/app.conf": "a = 1\n".repeat(500),
    "srv/blob.bin": noise(300_000),
    "srv/notes.txt": "hello\n",
  });
  return createBackup({ store, sources: [path.join(root, "etc"), path.join(root, "srv")], host: "web01" });
}

/** Rewrites the stored archive, keeping its metadata, as bit rot or a bad copy would. */
async function tamper(store: Store, key: string, change: (bytes: Buffer) => Buffer): Promise<void> {
  const info = await store.head(key);
  const bytes = await readAll(await store.getStream(key));
  await store.put(key, change(Buffer.from(bytes)), { metadata: info?.metadata ?? {} });
}

describe.each(backends)("verifyBackup with %s", (_name, makeStore) => {
  it("fails when bytes in the middle of the archive are flipped", async () => {
    const store = await makeStore();
    const record = await backedUp(store);
    await tamper(store, record.key, (b) => {
      const middle = Math.floor(b.length / 2);
      for (let i = middle; i < middle + 16; i++) b.writeUInt8(b.readUInt8(i) ^ 0xff, i);
      return b;
    });

    const result = await verifyBackup({ store, backup: record.key });

    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^SHA-256 mismatch: manifest /)]),
    );
    expect(result.actual.sha256).not.toBe(record.sha256);
    const [state] = await readBackupStates(store, "web01");
    expect(state?.lastVerify).toMatchObject({ ok: false, id: record.id });
  });

  it("fails when one byte rots on the disk under the store, its size and metadata unchanged", async () => {
    const store = await makeStore();
    const record = await backedUp(store);
    const before = await store.head(record.key);
    // Writing the file in place, not through the store: S3 still serves its old ETag and metadata.
    const file = await open(fileOf(store, record.key), "r+");
    try {
      const byte = Buffer.alloc(1);
      const at = Math.floor(record.size / 3);
      await file.read(byte, 0, 1, at);
      await file.write(Buffer.from([(byte[0] as number) ^ 0x01]), 0, 1, at);
    } finally {
      await file.close();
    }

    const result = await verifyBackup({ store, backup: record.key });

    expect(await store.head(record.key)).toMatchObject({ size: before?.size, metadata: before?.metadata });
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/^SHA-256 mismatch: manifest [0-9a-f]{64}, archive [0-9a-f]{64}$/);
    expect(result.actual).toMatchObject({ size: record.size });
  });

  it("fails when the archive was truncated", async () => {
    const store = await makeStore();
    const record = await backedUp(store);
    await tamper(store, record.key, (b) => b.subarray(0, Math.floor(b.length * 0.6)));

    const result = await verifyBackup({ store, backup: record.key });

    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/manifest says \d+ bytes, the store has \d+/);
    expect(result.problems.join("\n")).toMatch(/the archive is not readable: .*unexpected end of file/);
  });

  it("reports an archive without manifest as incomplete", async () => {
    const store = await makeStore();
    const record = await backedUp(store);
    await store.delete(record.manifestKey);

    const result = await verifyBackup({ store, backup: record.key });

    expect(result).toMatchObject({ ok: false, host: "web01", id: record.id });
    expect(result.problems[0]).toMatch(/incomplete: .* has no manifest/);
  });

  it("reports a manifest whose archive is gone", async () => {
    const store = await makeStore();
    const record = await backedUp(store);
    await store.delete(record.key);

    const result = await verifyBackup({ store, backup: `web01/${record.id}` });

    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([`${record.key}: the archive is missing`]);
  });

  it("finds entries that differ from the manifest even when the checksum matches", async () => {
    const store = await makeStore();
    const record = await backedUp(store);
    const manifest = await readManifest(store, record.key);
    const notes = manifest.entries.find((e) => e.path.endsWith("notes.txt"));
    const forged = {
      ...manifest,
      entries: [
        ...manifest.entries.filter((e) => e !== notes && !e.path.endsWith("app.conf")),
        { ...notes, size: 999 },
        { path: "etc/never-archived", type: "file", size: 1 },
      ],
    };
    await store.put(record.manifestKey, JSON.stringify(forged));

    const result = await verifyBackup({ store, backup: record.key });

    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/notes\.txt: manifest has file of 999 bytes, archive has file of 6 bytes$/),
        expect.stringMatching(/app\.conf: in the archive but not in the manifest$/),
        "etc/never-archived: in the manifest but missing from the archive",
      ]),
    );
  });
});

describe("verifyBackup", () => {
  it("rejects a manifest that is not valid, naming the field", async () => {
    const store = new LocalStore(await tempDir());
    const record = await backedUp(store);
    const manifest = JSON.parse((await store.get(record.manifestKey))?.toString() ?? "{}");
    await store.put(
      record.manifestKey,
      JSON.stringify({ ...manifest, archive: { ...manifest.archive, sha256: "x" } }),
    );

    const result = await verifyBackup({ store, backup: record.key });

    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/archive\.sha256: expected a lower-case hex SHA-256/);
  });

  it("verifies a backup whose manifest a newer opsdeck wrote with additive fields", async () => {
    const store = new LocalStore(await tempDir());
    const record = await backedUp(store);
    const manifest = JSON.parse((await store.get(record.manifestKey))?.toString() ?? "{}");
    await store.put(
      record.manifestKey,
      JSON.stringify({
        ...manifest,
        signature: "ed25519:…",
        archive: { ...manifest.archive, encryption: "none" },
      }),
    );

    const result = await verifyBackup({ store, backup: record.key });

    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("reports progress over the stored bytes", async () => {
    const store = new LocalStore(await tempDir());
    const record = await backedUp(store);
    let last: { bytesIn: number; totalBytesIn?: number; done: boolean } | undefined;

    await verifyBackup({
      store,
      backup: record.key,
      onEvent: (e) => {
        if (e.type === "progress") last = e;
      },
    });

    expect(last).toMatchObject({ bytesIn: record.size, totalBytesIn: record.size, done: true });
  });
});

describe("compareEntries", () => {
  it("accepts identical lists in any order", () => {
    const a = [
      { path: "x", type: "file" as const, size: 1 },
      { path: "d", type: "directory" as const, size: 0 },
    ];

    expect(compareEntries(a, [...a].reverse())).toEqual([]);
  });

  it("notices a changed link target", () => {
    expect(
      compareEntries(
        [{ path: "l", type: "symlink", size: 0, linkpath: "a" }],
        [{ path: "l", type: "symlink", size: 0, linkpath: "b" }],
      ),
    ).toEqual(["l: manifest has symlink → a, archive has symlink → b"]);
  });
});
