import { describe, expect, it } from "vitest";
import {
  archiveKey,
  BackupNameError,
  backupName,
  formatStamp,
  manifestKey,
  parseBackupKey,
  parseBackupRef,
  parseStamp,
} from "../../../app/backup/naming";

describe("backup names", () => {
  const name = backupName("web01", "etc", new Date("2026-11-21T05:11:44.987Z"));

  it("files archives and manifests under backups/<host>/ with a UTC stamp", () => {
    expect(name.id).toBe("20261121T051144Z-etc");
    expect(archiveKey(name, "gzip")).toBe("backups/web01/20261121T051144Z-etc.tar.gz");
    expect(archiveKey(name, "zstd")).toBe("backups/web01/20261121T051144Z-etc.tar.zst");
    expect(manifestKey(name)).toBe("backups/web01/20261121T051144Z-etc.manifest.json");
  });

  it("drops sub-second precision so the name and its parsed time agree", () => {
    expect(name.time.toISOString()).toBe("2026-11-21T05:11:44.000Z");
  });

  it("reads archive and manifest keys back", () => {
    expect(parseBackupKey("backups/web01/20261121T051144Z-etc.tar.zst")).toEqual({
      kind: "archive",
      format: "zstd",
      name: { host: "web01", id: "20261121T051144Z-etc", label: "etc", time: name.time },
    });
    expect(parseBackupKey("backups/web01/20261121T051144Z-etc.manifest.json")?.kind).toBe("manifest");
  });

  it.each([
    "backups/web01/notes.txt",
    "backups/web01/20261340T000000Z-etc.tar.gz",
    "backups/web01/sub/20261121T051144Z-etc.tar.gz",
    "hosts/web01.json",
    "backups/web01/20261121T051144Z-.tar.gz",
  ])("ignores %s", (key) => {
    expect(parseBackupKey(key)).toBeUndefined();
  });

  it("accepts a key or host/id wherever a backup is named", () => {
    expect(parseBackupRef("backups/web01/20261121T051144Z-etc.tar.gz")).toMatchObject({
      host: "web01",
      id: name.id,
    });
    expect(parseBackupRef("web01/20261121T051144Z-etc")).toMatchObject({ host: "web01", id: name.id });
    expect(() => parseBackupRef("latest")).toThrow(BackupNameError);
  });

  it.each([
    ["host", "web 01", "etc"],
    ["host", "-web", "etc"],
    ["label", "web01", "daily.tar"],
    ["label", "web01", ""],
    ["label", "web01", "../x"],
  ])("rejects a bad %s with a message naming it", (field, host, label) => {
    expect(() => backupName(host, label, new Date())).toThrow(new RegExp(`^${field}: `));
  });

  it("round-trips stamps and rejects impossible dates", () => {
    expect(formatStamp(new Date("2026-01-02T03:04:05Z"))).toBe("20260102T030405Z");
    expect(parseStamp("20260102T030405Z")?.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(parseStamp("20260230T000000Z")).toBeUndefined();
  });
});
