import * as fs from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BackupNotFoundError,
  type BackupRecord,
  createBackup,
  RestoreError,
  restoreBackup,
} from "../../../app/backup";
import { LocalStore, readAll, type Store } from "../../../app/storage";
import { type CraftedEntry, storeCraftedBackup } from "../../fixtures/backup/crafted-archive";
import { useStoreBackends } from "../../support/store-backends";
import { noise, readTree, writeTree } from "./helpers";

const { backends, tempDir } = useStoreBackends("opsdeck-backup-restore");

interface Backed {
  store: Store;
  record: BackupRecord;
  /** The source root as archived: `tmp/…/src`. */
  base: string;
  source: string;
}

async function backedUp(store: Store, compressor: "gzip" | "zstd" = "gzip"): Promise<Backed> {
  const source = path.join(await tempDir(), "src");
  await writeTree(source, {
    "etc/nginx/nginx.conf": "worker_processes 2;\n",
    "etc/nginx/sites/a.conf": "server {}\n",
    "etc/hosts": "127.0.0.1 localhost\n",
    "srv/blob.bin": noise(200_000),
  });
  await fs.symlink("../nginx.conf", path.join(source, "etc/nginx/sites/main.conf"));
  const record = await createBackup({
    store,
    sources: [source],
    host: "web01",
    compressor: { name: compressor },
  });
  return { store, record, base: path.relative("/", source), source };
}

/** Everything in `dir` except nothing: restore must leave no staging folder behind either. */
async function listing(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true })).map(String).sort();
}

describe.each(backends)("restoreBackup with %s", (_name, makeStore) => {
  it("restores the whole backup byte for byte, links included", async () => {
    const { store, record, base, source } = await backedUp(await makeStore());
    const target = await tempDir();

    const result = await restoreBackup({ store, backup: record.key, target });

    expect(await readTree(path.join(target, base))).toEqual(await readTree(source));
    expect(await fs.readlink(path.join(target, base, "etc/nginx/sites/main.conf"))).toBe("../nginx.conf");
    expect(result).toMatchObject({ host: "web01", id: record.id, target, replaced: 0, bytes: record.bytes });
    expect((await fs.readdir(target)).filter((n) => n.startsWith(".opsdeck-restore-"))).toEqual([]);
  });

  it("restores only the selected paths", async () => {
    const { store, record, base } = await backedUp(await makeStore());
    const target = await tempDir();

    await restoreBackup({ store, backup: record.key, target, paths: [`/${base}/etc/nginx/`] });

    expect(Object.keys(await readTree(path.join(target, base))).sort()).toEqual([
      "etc/nginx/nginx.conf",
      "etc/nginx/sites/a.conf",
      "etc/nginx/sites/main.conf",
    ]);
  });
});

describe("restoreBackup", () => {
  it("restores a zstd archive", async () => {
    const { store, record, base, source } = await backedUp(new LocalStore(await tempDir()), "zstd");
    const target = await tempDir();

    await restoreBackup({ store, backup: record.key, target });

    expect(await readTree(path.join(target, base))).toEqual(await readTree(source));
  });

  it("never overwrites an existing file without force, and changes nothing when it refuses", async () => {
    const { store, record, base } = await backedUp(new LocalStore(await tempDir()));
    const target = await tempDir();
    await writeTree(target, { [`${base}/etc/hosts`]: "edited by hand\n" });
    const before = await readTree(target);

    const refusal = restoreBackup({ store, backup: record.key, target });

    await expect(refusal).rejects.toMatchObject({ kind: "conflict" });
    await expect(refusal).rejects.toThrow(/etc\/hosts: exists in the target \(use force to overwrite\)/);
    expect(await readTree(target)).toEqual(before);
  });

  it("replaces existing files with force", async () => {
    const { store, record, base, source } = await backedUp(new LocalStore(await tempDir()));
    const target = await tempDir();
    await writeTree(target, { [`${base}/etc/hosts`]: "edited by hand\n", "unrelated.txt": "stays" });

    const result = await restoreBackup({ store, backup: record.key, target, force: true });

    expect(result.replaced).toBe(1);
    expect(await fs.readFile(path.join(target, base, "etc/hosts"), "utf8")).toBe(
      await fs.readFile(path.join(source, "etc/hosts"), "utf8"),
    );
    expect(await fs.readFile(path.join(target, "unrelated.txt"), "utf8")).toBe("stays");
  });

  it("does not restore through a symlink that already exists in the target, even with force", async () => {
    const { store, record, base } = await backedUp(new LocalStore(await tempDir()));
    const target = await tempDir();
    const elsewhere = await tempDir();
    await fs.mkdir(path.join(target, base), { recursive: true });
    await fs.symlink(elsewhere, path.join(target, base, "etc"));

    await expect(restoreBackup({ store, backup: record.key, target, force: true })).rejects.toThrow(
      /etc: a symlink in the target; not restoring through it/,
    );
    expect(await fs.readdir(elsewhere)).toEqual([]);
  });

  it("refuses a corrupt archive and leaves the target untouched", async () => {
    const { store, record } = await backedUp(new LocalStore(await tempDir()));
    const bytes = Buffer.from(await readAll(await store.getStream(record.key)));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 12) ^ 0xff, bytes.length - 12);
    await store.put(record.key, bytes);
    const target = await tempDir();

    const refusal = restoreBackup({ store, backup: record.key, target });

    await expect(refusal).rejects.toBeInstanceOf(RestoreError);
    await expect(refusal).rejects.toMatchObject({ kind: expect.stringMatching(/^(corrupt|failed)$/) });
    expect(await listing(target)).toEqual([]);
  });

  it("refuses backups that are missing or incomplete", async () => {
    const { store, record } = await backedUp(new LocalStore(await tempDir()));
    await store.delete(record.manifestKey);
    const target = await tempDir();

    await expect(restoreBackup({ store, backup: record.key, target })).rejects.toThrow(/incomplete/);
    await expect(restoreBackup({ store, backup: "web01/20200101T000000Z-x", target })).rejects.toBeInstanceOf(
      BackupNotFoundError,
    );
  });

  it("refuses selected paths that are not in the backup, naming them", async () => {
    const { store, record, base } = await backedUp(new LocalStore(await tempDir()));
    const target = await tempDir();

    await expect(
      restoreBackup({ store, backup: record.key, target, paths: [`${base}/etc`, "etc/shadow", "../x"] }),
    ).rejects.toThrow(
      /paths\[1\]: etc\/shadow is not in backup[\s\S]*paths\[2\]: "\.\.\/x" is not an archive path/,
    );
    expect(await listing(target)).toEqual([]);
  });
});

describe("restoreBackup of a hostile archive", () => {
  const benign: CraftedEntry[] = [
    { path: "app/", type: "Directory" },
    { path: "app/ok.txt", body: "fine" },
  ];

  it.each<[string, CraftedEntry[], RegExp]>([
    ["a parent-directory path", [{ path: "../x", body: "escaped" }], /\.\.\/x: path contains '\.\.'/],
    [
      "an absolute path",
      [{ path: "/etc/passwd", body: "root::0:0::/:/bin/sh" }],
      /\/etc\/passwd: absolute path/,
    ],
    [
      "a symlink to an absolute path",
      [{ path: "app/passwd", type: "SymbolicLink", linkpath: "/etc/passwd" }],
      /app\/passwd: symlink to an absolute path/,
    ],
    [
      "a symlink that climbs out",
      [{ path: "app/up", type: "SymbolicLink", linkpath: "../../../outside" }],
      /app\/up: symlink points outside the target/,
    ],
    [
      "a file written through its own symlink",
      [
        { path: "app/out", type: "SymbolicLink", linkpath: "." },
        { path: "app/out/x", body: "via link" },
      ],
      /app\/out\/x: path runs through the symlink app\/out/,
    ],
    [
      "links that only escape once both exist",
      [
        { path: "a", type: "SymbolicLink", linkpath: "d/l/.." },
        { path: "d/", type: "Directory" },
        { path: "d/l", type: "SymbolicLink", linkpath: ".." },
      ],
      /a: symlink leads outside the target/,
    ],
    [
      "a hardlink to a file outside",
      [{ path: "app/shadow", type: "Link", linkpath: "/etc/shadow" }],
      /app\/shadow: hardlink to an absolute path/,
    ],
    ["a device node", [{ path: "app/sda", type: "CharacterDevice" }], /app\/sda: unsupported entry type/],
  ])("refuses %s and restores nothing", async (_name, hostile, message) => {
    const store = new LocalStore(await tempDir());
    const { key } = await storeCraftedBackup(store, { entries: [...benign, ...hostile] });
    // A private parent, so "nothing appeared outside the target" is not disturbed by other tests' temp dirs.
    const outside = await tempDir();
    const target = path.join(outside, "target");
    await fs.mkdir(target);

    const refusal = restoreBackup({ store, backup: key, target });

    await expect(refusal).rejects.toMatchObject({ name: "RestoreError", kind: "refused" });
    await expect(refusal).rejects.toThrow(message);
    expect(await listing(target)).toEqual([]);
    expect(await fs.readdir(outside)).toEqual(["target"]);
  });

  it("restores a crafted archive that is merely unusual", async () => {
    const store = new LocalStore(await tempDir());
    const { key } = await storeCraftedBackup(store, {
      entries: [
        ...benign,
        { path: "./app/link", type: "SymbolicLink", linkpath: "ok.txt" },
        { path: "app/hard", type: "Link", linkpath: "app/ok.txt" },
      ],
    });
    const target = await tempDir();

    await restoreBackup({ store, backup: key, target });

    expect(await readTree(target)).toEqual({
      "app/hard": Buffer.from("fine").toString("base64"),
      "app/link": "-> ok.txt",
      "app/ok.txt": Buffer.from("fine").toString("base64"),
    });
  });
});

describe.each(backends)(
  "restoreBackup of an archive aimed at a real file outside the target, with %s",
  (_name, makeStore) => {
    // The staging folder is <outside>/target/.opsdeck-restore-…, so `../../` from it is <outside>.
    it.each<[string, (outside: string) => CraftedEntry[], RegExp]>([
      [
        "a `..` path onto it",
        () => [{ path: "../../secret.txt", body: "pwned" }],
        /\.\.\/\.\.\/secret\.txt: path contains '\.\.'/,
      ],
      [
        "its absolute path",
        (outside) => [{ path: `${outside}/secret.txt`, body: "pwned" }],
        /secret\.txt: absolute path/,
      ],
      [
        "a symlink out of the target, then a file through it",
        () => [
          { path: "app/up", type: "SymbolicLink", linkpath: "../../.." },
          { path: "app/up/secret.txt", body: "pwned" },
        ],
        /app\/up: symlink points outside the target/,
      ],
      [
        "an absolute symlink to its folder, then a file through it",
        (outside) => [
          { path: "app/out", type: "SymbolicLink", linkpath: outside },
          { path: "app/out/secret.txt", body: "pwned" },
        ],
        /app\/out: symlink to an absolute path/,
      ],
      [
        "links that escape only once extracted, then a file through them",
        () => [
          { path: "a", type: "SymbolicLink", linkpath: "d/l/../.." },
          { path: "d/", type: "Directory" },
          { path: "d/l", type: "SymbolicLink", linkpath: ".." },
          { path: "a/secret.txt", body: "pwned" },
        ],
        /a\/secret\.txt: path runs through the symlink a/,
      ],
      [
        "a relative hardlink to it, then content written over the link",
        () => [
          { path: "app/h", type: "Link", linkpath: "../../secret.txt" },
          { path: "app/h", body: "pwned" },
        ],
        /app\/h: hardlink points outside the target/,
      ],
      [
        "an absolute hardlink to it, then content written over the link",
        (outside) => [
          { path: "app/h", type: "Link", linkpath: `${outside}/secret.txt` },
          { path: "app/h", body: "pwned" },
        ],
        /app\/h: hardlink to an absolute path/,
      ],
    ])("refuses %s, naming the entry, and changes nothing anywhere", async (_case, hostile, message) => {
      const store = await makeStore();
      const outside = await tempDir();
      await fs.writeFile(path.join(outside, "secret.txt"), "secret");
      const target = path.join(outside, "target");
      await fs.mkdir(target);
      const { key } = await storeCraftedBackup(store, {
        entries: [{ path: "app/", type: "Directory" }, ...hostile(outside)],
      });

      const refusal = restoreBackup({ store, backup: key, target });

      await expect(refusal).rejects.toMatchObject({ name: "RestoreError", kind: "refused" });
      await expect(refusal).rejects.toThrow(message);
      expect(await fs.readFile(path.join(outside, "secret.txt"), "utf8")).toBe("secret");
      expect((await fs.readdir(outside)).sort()).toEqual(["secret.txt", "target"]);
      expect(await listing(target)).toEqual([]);
    });
  },
);
