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
  it("writes the same manifest bytes as serialising the entry objects, across many pages", () => {
    const entries: ManifestEntry[] = [{ path: "etc", type: "directory", size: 0 }];
    for (let i = 0; i < 5000; i++) {
      entries.push({ path: `etc/conf-${i}/"quoted" naïve\n${i}.conf`, type: "file", size: i });
    }
    entries.push({ path: "etc/link", type: "symlink", size: 0, linkpath: "conf-1" });
    entries.push({ path: "etc/again", type: "hardlink", size: 0, linkpath: "etc/conf-2" });
    entries.push({ path: `etc/${"long-".repeat(20_000)}`, type: "file", size: 1 });
    const log = new ManifestEntryLog();
    for (const entry of entries) log.add(entry);

    const totals = { ...log.totals, tarBytes: 99 };
    const body = log.serialise(manifestWith([], totals));

    expect(totals).toEqual(totalsOf(entries, 99));
    expect(body.toString()).toBe(serialiseManifest(manifestWith(entries, totals)));
    expect(parseManifest(body, "m").entries).toEqual(entries);
    expect(log.entries).toBe(entries.length);
  });

  it("writes an empty list for a backup without entries", () => {
    const log = new ManifestEntryLog();
    const totals = { ...log.totals, tarBytes: 1024 };

    const body = log.serialise(manifestWith([], totals));

    expect(body.toString()).toBe(serialiseManifest(manifestWith([], totals)));
  });
});
