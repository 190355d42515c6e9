import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  type BackupEvent,
  type BackupProgress,
  createBackup,
  listBackups,
  readBackupStates,
  readManifest,
  SourceError,
  verifyBackup,
} from "../../../app/backup";
import { LocalStore, readAll } from "../../../app/storage";
import { useStoreBackends } from "../../support/store-backends";
import { noise, readTree, writeTree } from "./helpers";

const run = promisify(execFile);

// 5 MiB parts (S3's minimum) so a few MiB of input already makes a multipart upload.
const { backends, tempDir } = useStoreBackends("opsdeck-backup", { partSize: 5 * 1024 * 1024 });
const clock = (iso: string) => () => new Date(iso);

/** A small server-like tree: config, a log, a binary, a symlink, an empty folder. */
async function serverTree(): Promise<string> {
  const root = await tempDir();
  await writeTree(root, {
    "etc/app/app.conf": "listen 8080\n",
    "etc/app/secret.key": "not to be archived\n",
    "var/log/app.log": "Nov 21 05:00:00 web01 app: started\n".repeat(2000),
    "srv/www/blob.bin": noise(6 * 1024 * 1024),
  });
  await fs.symlink("app.conf", path.join(root, "etc/app/current.conf"));
  await fs.mkdir(path.join(root, "srv/empty"));
  return root;
}

describe.each(backends)("createBackup with %s", (_name, makeStore) => {
  it("streams folders into one archive whose checksum, metadata and manifest agree", async () => {
    const store = await makeStore();
    const root = await serverTree();

    const record = await createBackup({
      store,
      sources: [path.join(root, "etc"), path.join(root, "srv")],
      host: "web01",
      label: "daily",
      exclude: ["**/*.key"],
      now: clock("2026-11-21T05:11:44Z"),
    });

    expect(record.key).toBe("backups/web01/20261121T051144Z-daily.tar.gz");
    expect(record.manifestKey).toBe("backups/web01/20261121T051144Z-daily.manifest.json");
    const stored = await readAll(await store.getStream(record.key));
    const sha256 = createHash("sha256").update(stored).digest("hex");
    expect(record.sha256).toBe(sha256);
    expect(record.size).toBe(stored.length);
    expect((await store.head(record.key))?.metadata.sha256).toBe(sha256);

    const manifest = await readManifest(store, record.key);
    const base = path.relative("/", root);
    expect(manifest).toMatchObject({
      format: "opsdeck-backup-manifest/1",
      host: "web01",
      label: "daily",
      archive: {
        key: record.key,
        sha256,
        size: stored.length,
        format: "gzip",
        compressor: { name: "gzip", level: 6 },
      },
      sources: [path.join(root, "etc"), path.join(root, "srv")],
      exclude: ["**/*.key"],
      totals: { files: 2, symlinks: 1, bytes: 12 + 6 * 1024 * 1024 },
    });
    expect(manifest.opsdeckVersion).toMatch(/^\d+\.\d+\.\d+/);
    const paths = manifest.entries.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        `${base}/etc/app/app.conf`,
        `${base}/etc/app/current.conf`,
        `${base}/srv/www/blob.bin`,
        `${base}/srv/empty`,
      ]),
    );
    expect(paths).not.toContain(`${base}/etc/app/secret.key`);
    expect(paths).not.toContain(`${base}/var/log/app.log`);
    expect(manifest.entries.find((e) => e.path.endsWith("current.conf"))).toMatchObject({
      type: "symlink",
      linkpath: "app.conf",
    });
  });

  it("writes an archive that GNU tar reads", async () => {
    const store = await makeStore();
    const root = await serverTree();
    const record = await createBackup({
      store,
      sources: [path.join(root, "etc")],
      host: "web01",
      label: "etc",
    });
    const extracted = await tempDir();
    const archive = path.join(await tempDir(), "a.tar.gz");
    await fs.writeFile(archive, await readAll(await store.getStream(record.key)));

    await run("tar", ["-xzf", archive, "-C", extracted]);

    expect(await readTree(path.join(extracted, path.relative("/", root), "etc"))).toEqual(
      await readTree(path.join(root, "etc")),
    );
  });

  it.each(["pigz", "zstd"] as const)("archives with %s and verifies the result", async (name) => {
    const store = await makeStore();
    const root = await serverTree();

    const record = await createBackup({
      store,
      sources: [root],
      host: "web01",
      label: name,
      compressor: { name },
    });
    const verified = await verifyBackup({ store, backup: record.key });

    expect(record.compressor).toMatchObject({ name, requested: name });
    expect(record.key.endsWith(name === "zstd" ? ".tar.zst" : ".tar.gz")).toBe(true);
    expect(verified).toMatchObject({ ok: true, problems: [] });
  });

  it("lists complete backups oldest first and verifies them", async () => {
    const store = await makeStore();
    const root = await serverTree();
    const first = await createBackup({
      store,
      sources: [root],
      host: "web01",
      now: clock("2026-11-20T01:00:00Z"),
    });
    const second = await createBackup({
      store,
      sources: [root],
      host: "web01",
      now: clock("2026-11-21T01:00:00Z"),
    });
    await createBackup({ store, sources: [root], host: "db01", now: clock("2026-11-21T02:00:00Z") });

    const listed = await listBackups(store, { host: "web01" });
    const result = await verifyBackup({
      store,
      backup: `web01/${second.id}`,
      now: clock("2026-11-21T03:00:00Z"),
    });

    expect(listed.map((b) => [b.id, b.complete])).toEqual([
      [first.id, true],
      [second.id, true],
    ]);
    expect(listed[1]?.archive?.size).toBe(second.size);
    expect(result).toMatchObject({
      ok: true,
      host: "web01",
      id: second.id,
      expected: { sha256: second.sha256, size: second.size },
      actual: { sha256: second.sha256, size: second.size },
    });
    expect((await listBackups(store)).map((b) => b.host)).toEqual(["db01", "web01", "web01"]);
  });

  it("records the last success and verification for the dashboard", async () => {
    const store = await makeStore();
    const root = await serverTree();
    const record = await createBackup({
      store,
      sources: [root],
      host: "web01",
      label: "etc",
      now: clock("2026-11-21T05:00:00Z"),
    });
    await verifyBackup({ store, backup: record.key, now: clock("2026-11-21T06:00:00Z") });

    const [state] = await readBackupStates(store, "web01");

    expect(state).toMatchObject({
      host: "web01",
      label: "etc",
      lastSuccess: {
        id: record.id,
        size: record.size,
        sha256: record.sha256,
        completedAt: "2026-11-21T05:00:00.000Z",
      },
      lastVerify: { id: record.id, ok: true, checkedAt: "2026-11-21T06:00:00.000Z", problems: [] },
    });
    expect(state?.lastFailure).toBeUndefined();
  });
});

describe("createBackup", () => {
  it("reports progress with totals when asked to estimate, ending with a done event", async () => {
    const store = new LocalStore(await tempDir());
    const root = await serverTree();
    const events: BackupEvent[] = [];

    const record = await createBackup({
      store,
      sources: [root],
      host: "web01",
      estimate: true,
      progressIntervalMs: 0,
      onEvent: (e) => events.push(e),
    });

    const progress = events.filter((e): e is BackupProgress => e.type === "progress");
    const last = progress.at(-1);
    expect(events.filter((e) => e.type === "phase").map((e) => (e.type === "phase" ? e.phase : ""))).toEqual([
      "scanning",
      "archiving",
      "writing-manifest",
    ]);
    expect(progress.length).toBeGreaterThan(2);
    expect(last).toMatchObject({ done: true, bytesIn: record.tarBytes, bytesOut: record.size });
    expect(last?.totalBytesIn).toBe(record.tarBytes);
    expect(last?.totalFiles).toBe(last?.files);
    const bytesIn = progress.map((p) => p.bytesIn);
    expect(bytesIn).toEqual([...bytesIn].sort((a, b) => a - b));
  });

  it("falls back to gzip with a warning when the requested compressor is missing", async () => {
    const store = new LocalStore(await tempDir());
    const root = await serverTree();
    const warnings: string[] = [];

    const record = await createBackup({
      store,
      sources: [root],
      host: "web01",
      compressor: { name: "zstd" },
      programs: { zstd: "opsdeck-test-no-such-zstd" },
      onEvent: (e) => {
        if (e.type === "warning") warnings.push(e.message);
      },
    });

    expect(record.key.endsWith(".tar.gz")).toBe(true);
    expect(record.compressor).toMatchObject({ name: "gzip", requested: "zstd" });
    expect(record.warnings).toEqual(warnings);
    expect(warnings[0]).toMatch(/zstd is not installed/);
  });

  it("archives every file of a wide tree, more than the bounded stat cache holds", async () => {
    const store = new LocalStore(await tempDir());
    const root = await tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 700; i++) files[`d${i % 7}/f${i}.txt`] = `file ${i}\n`;
    await writeTree(root, files);

    const record = await createBackup({ store, sources: [root], host: "web01" });

    expect(record.files).toBe(700);
    expect((await verifyBackup({ store, backup: record.key })).ok).toBe(true);
  });

  it("backs up an empty folder", async () => {
    const store = new LocalStore(await tempDir());
    const root = await tempDir();

    const record = await createBackup({ store, sources: [root], host: "web01" });

    expect(record.files).toBe(0);
    expect((await verifyBackup({ store, backup: record.key })).ok).toBe(true);
  });

  it("skips sockets and named pipes with a warning instead of hanging on them", async () => {
    const store = new LocalStore(await tempDir());
    const root = await tempDir();
    await writeTree(root, { "a.txt": "a" });
    await run("mkfifo", [path.join(root, "pipe")]);

    const record = await createBackup({ store, sources: [root], host: "web01" });

    expect(record.warnings).toEqual([
      `skipped ${path.relative("/", root)}/pipe: a named pipe cannot be backed up`,
    ]);
    expect(record.files).toBe(1);
  });

  it.each<[string, (root: string) => string[], RegExp]>([
    ["a missing folder", (root) => [path.join(root, "nope")], /^sources\[0\]: .*nope does not exist/],
    [
      "overlapping folders",
      (root) => [root, path.join(root, "etc")],
      /^sources\[1\]: .* is already inside sources\[0\]/,
    ],
    ["the root folder", () => ["/"], /^sources\[0\]: \/ is the file-system root/],
    ["no folder at all", () => [], /^sources: at least one folder/],
  ])("refuses %s before writing anything", async (_name, sources, message) => {
    const store = new LocalStore(await tempDir());
    const root = await serverTree();

    const failure = createBackup({ store, sources: sources(root), host: "web01" });

    await expect(failure).rejects.toMatchObject({ failure: { ok: false, phase: "preparing" } });
    await expect(failure).rejects.toHaveProperty("cause", expect.any(SourceError));
    await expect(failure.catch((e: Error) => (e.cause as Error).message)).resolves.toMatch(message);
    expect(await listBackups(store)).toEqual([]);
  });

  it("never overwrites an existing backup of the same name", async () => {
    const store = new LocalStore(await tempDir());
    const root = await serverTree();
    const now = clock("2026-11-21T05:11:44Z");
    const first = await createBackup({ store, sources: [root], host: "web01", now });

    await expect(createBackup({ store, sources: [root], host: "web01", now })).rejects.toThrow(
      /already exists/,
    );
    expect((await verifyBackup({ store, backup: first.key })).ok).toBe(true);
  });
});
