import { readdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { listBackups, pruneBackups } from "../../../app/backup";
import { LocalStore, type Store } from "../../../app/storage";
import { storeCraftedBackup } from "../../fixtures/backup/crafted-archive";
import { useTempDirs } from "../../support/temp-dir";
import { collect } from "./helpers";

const tempDir = useTempDirs("opsdeck-backup-prune");
const entries = [{ path: "etc/hosts", body: "127.0.0.1 localhost\n" }];

/** Stores complete backups named by stamp (`20261121T010000Z`) and label. */
async function seed(store: Store, host: string, label: string, stamps: string[]): Promise<void> {
  for (const stamp of stamps) await storeCraftedBackup(store, { host, id: `${stamp}-${label}`, entries });
}

const ids = async (store: Store, host: string) => (await listBackups(store, { host })).map((b) => b.id);

describe("pruneBackups", () => {
  const nightly = [
    "20261118T010000Z",
    "20261119T010000Z",
    "20261120T010000Z",
    "20261121T010000Z",
    "20261121T130000Z",
  ];

  it("lists what would go in a dry run and deletes nothing", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store, "web01", "etc", nightly);

    const result = await pruneBackups({ store, policy: { keepDaily: 2 }, dryRun: true });

    expect(result).toMatchObject({ dryRun: true, policy: "keep 2 daily", deleted: [] });
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]?.keep.map((k) => [k.id, k.reasons])).toEqual([
      ["20261121T130000Z-etc", ["daily 2026-11-21"]],
      ["20261120T010000Z-etc", ["daily 2026-11-20"]],
    ]);
    expect(result.groups[0]?.remove.map((r) => r.id)).toEqual([
      "20261121T010000Z-etc",
      "20261119T010000Z-etc",
      "20261118T010000Z-etc",
    ]);
    expect(await ids(store, "web01")).toHaveLength(5);
  });

  it("deletes manifest and archive of each removed backup, manifest first", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store, "web01", "etc", nightly);

    const result = await pruneBackups({ store, policy: { keepLast: 2 } });

    expect(await ids(store, "web01")).toEqual(["20261121T010000Z-etc", "20261121T130000Z-etc"]);
    expect(result.deleted.slice(0, 2)).toEqual([
      "backups/web01/20261120T010000Z-etc.manifest.json",
      "backups/web01/20261120T010000Z-etc.tar.gz",
    ]);
    expect(result.deleted).toHaveLength(6);
    expect((await collect(store.list("backups/"))).length).toBe(4);
  });

  it("applies the policy to each host and label on its own", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store, "web01", "etc", nightly);
    await seed(store, "web01", "www", ["20261101T000000Z", "20261102T000000Z"]);
    await seed(store, "db01", "etc", ["20261001T000000Z"]);

    const result = await pruneBackups({ store, policy: { keepLast: 1 } });

    expect(result.groups.map((g) => [g.host, g.label, g.keep.map((k) => k.id)])).toEqual([
      ["db01", "etc", ["20261001T000000Z-etc"]],
      ["web01", "etc", ["20261121T130000Z-etc"]],
      ["web01", "www", ["20261102T000000Z-www"]],
    ]);
    expect(await ids(store, "db01")).toEqual(["20261001T000000Z-etc"]);
  });

  it("only touches the host and label it is given", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store, "web01", "etc", nightly);
    await seed(store, "web02", "etc", nightly);

    await pruneBackups({ store, policy: { keepLast: 1 }, host: "web02", label: "etc" });

    expect(await ids(store, "web01")).toHaveLength(5);
    expect(await ids(store, "web02")).toEqual(["20261121T130000Z-etc"]);
  });

  it("keeps everything when the policy is empty", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store, "web01", "etc", nightly);

    const result = await pruneBackups({ store, policy: {} });

    expect(result.deleted).toEqual([]);
    expect(result.policy).toBe("keep everything (no policy)");
  });

  it("removes incomplete leftovers past the grace period and leaves recent ones alone", async () => {
    const store = new LocalStore(await tempDir());
    await seed(store, "web01", "etc", ["20261120T000000Z", "20261121T000000Z"]);
    await store.delete("backups/web01/20261120T000000Z-etc.manifest.json");
    await store.put(
      "backups/web01/20261121T110000Z-etc.tar.gz",
      "an upload whose manifest is not written yet",
    );
    const now = () => new Date(Date.now() + 2 * 60 * 60 * 1000);

    const result = await pruneBackups({
      store,
      policy: { keepLast: 5 },
      now,
      incompleteGraceMs: 60 * 60 * 1000,
    });
    const fresh = await pruneBackups({ store, policy: { keepLast: 5 }, incompleteGraceMs: 60 * 60 * 1000 });

    expect(result.incomplete.map((b) => b.keys)).toEqual([
      ["backups/web01/20261120T000000Z-etc.tar.gz"],
      ["backups/web01/20261121T110000Z-etc.tar.gz"],
    ]);
    expect(fresh.incomplete).toEqual([]);
    expect(await ids(store, "web01")).toEqual(["20261121T000000Z-etc"]);
  });

  it("removes the temp file of an archive write a killed run left, once it is past the grace period", async () => {
    const dir = await tempDir();
    const store = new LocalStore(dir);
    await seed(store, "web01", "etc", ["20261121T000000Z"]);
    // What a LocalStore write killed mid-stream leaves: its hidden temp file, never renamed into place.
    const hostDir = path.join(dir, "backups/web01");
    await writeFile(path.join(hostDir, ".20261121T010000Z-etc.tar.gz.tmp-0123456789ab"), "half an archive");
    await writeFile(path.join(hostDir, ".20261121T010000Z-www.tar.gz.tmp-ba9876543210"), "another label");
    const later = () => new Date(Date.now() + 2 * 3_600_000);
    const options = { store, policy: { keepLast: 5 }, label: "etc", incompleteGraceMs: 3_600_000 };

    const young = await pruneBackups({ ...options, dryRun: true });
    const dry = await pruneBackups({ ...options, now: later, dryRun: true });
    const result = await pruneBackups({ ...options, now: later });

    expect(young.incomplete).toEqual([]);
    expect(dry.incomplete).toEqual([
      expect.objectContaining({
        host: "web01",
        label: "etc",
        id: "20261121T010000Z-etc",
        keys: [],
        unfinishedWrite: expect.objectContaining({
          key: "backups/web01/20261121T010000Z-etc.tar.gz",
          size: 15,
        }),
      }),
    ]);
    expect(result.incomplete).toEqual(dry.incomplete);
    expect((await readdir(hostDir)).sort()).toEqual([
      ".20261121T010000Z-www.tar.gz.tmp-ba9876543210",
      "20261121T000000Z-etc.manifest.json",
      "20261121T000000Z-etc.tar.gz",
    ]);
  });
});
