import { closeSync, openSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ManifestEntryLog } from "../../../app/backup/entry-log";
import {
  type BackupManifest,
  MANIFEST_FORMAT,
  type ManifestEntry,
  parseManifest,
  serialiseManifest,
  totalsOf,
} from "../../../app/backup/manifest";
import { readAll } from "../../../app/storage";
import { useTempDirs } from "../../support/temp-dir";

const tempDir = useTempDirs("opsdeck-entry-log");

function manifestWith(entries: ManifestEntry[], totals: BackupManifest["totals"]): BackupManifest {
  return {
    format: MANIFEST_FORMAT,
    host: "web01",
    id: "20261121T050000Z-etc",
    label: "etc",
    startedAt: "2026-11-21T05:00:00.000Z",
    completedAt: "2026-11-21T05:00:09.000Z",
    opsdeckVersion: "0.1.0",
    archive: {
      key: "backups/web01/20261121T050000Z-etc.tar.gz",
      format: "gzip",
      size: 1234,
      sha256: "a".repeat(64),
      compressor: { name: "gzip", level: 6, threads: 3 },
    },
    sources: ["/etc"],
    include: [],
    exclude: [],
    totals,
    entries,
  };
}

describe("ManifestEntryLog", () => {
  it("writes the same manifest bytes as serialising the entry objects, streamed or into a file", async () => {
    const entries: ManifestEntry[] = [{ path: "etc", type: "directory", size: 0 }];
    for (let i = 0; i < 5000; i++) {
      entries.push({ path: `etc/conf-${i}/"quoted" naïve\n${i}.conf`, type: "file", size: i });
    }
    entries.push({ path: "etc/link", type: "symlink", size: 0, linkpath: "conf-1" });
    entries.push({ path: "etc/again", type: "hardlink", size: 0, linkpath: "etc/conf-2" });
    entries.push({ path: `etc/${"long-".repeat(20_000)}`, type: "file", size: 1 });
    const spool = await tempDir();
    const log = new ManifestEntryLog(spool);
    for (const entry of entries) log.add(entry);

    const totals = { ...log.totals, tarBytes: 99 };
    const body = await readAll(log.serialise(manifestWith([], totals)));
    const out = path.join(await tempDir(), "manifest.json");
    const fd = openSync(out, "w");
    log.writeTo(fd, manifestWith([], totals));
    closeSync(fd);
    const written = await readFile(out);
    log.close();

    // The spool file was unlinked once open: nothing of it can be left behind.
    expect(await readdir(spool)).toEqual([]);
    expect(totals).toEqual(totalsOf(entries, 99));
    expect(body.toString()).toBe(serialiseManifest(manifestWith(entries, totals)));
    expect(parseManifest(body, "m").entries).toEqual(entries);
    expect(written.toString()).toBe(body.toString());
    expect(log.entries).toBe(entries.length);
  });

  it("writes an empty list for a backup without entries", async () => {
    const log = new ManifestEntryLog(await tempDir());
    const totals = { ...log.totals, tarBytes: 1024 };

    const body = await readAll(log.serialise(manifestWith([], totals)));
    log.close();

    expect(body.toString()).toBe(serialiseManifest(manifestWith([], totals)));
  });

  it("names the folder when it cannot keep its list there", async () => {
    const missing = `${await tempDir()}/not-there`;

    expect(() => new ManifestEntryLog(missing)).toThrow(
      `cannot keep the manifest's entry list in ${missing}: ENOENT`,
    );
  });
});
