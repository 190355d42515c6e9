import { describe, expect, it } from "vitest";
import {
  backupStateKey,
  backupSummaryKey,
  createBackup,
  readBackupStates,
  refreshBackupSummary,
  verifyBackup,
} from "../../../app/backup";
import { hostBackupReportSchema } from "../../../app/backup/report";
import { recordFailure, recordSuccess } from "../../../app/backup/state";
import { ValidationError } from "../../../app/lib/validation";
import { LocalStore } from "../../../app/storage";
import { ownedKeyPatterns } from "../../../infra/rules/instance-policy";
import { useTempDirs } from "../../support/temp-dir";
import { writeTree } from "./helpers";

const tempDir = useTempDirs("opsdeck-backup-state");
const clock = (iso: string) => () => new Date(iso);

function success(host: string, label: string, completedAt: string) {
  return {
    host,
    label,
    id: `20261121T050000Z-${label}`,
    key: `backups/${host}/20261121T050000Z-${label}.tar.gz`,
    startedAt: "2026-11-21T05:00:00.000Z",
    completedAt,
    durationMs: 1000,
    size: 100,
    sha256: "a".repeat(64),
    files: 1,
    bytes: 10,
    compressor: "gzip -6",
  };
}

/** Whether the instance role of `host` may write `key` (the IAM patterns, as globs). */
function ownedBy(host: string, key: string): boolean {
  return ownedKeyPatterns(host).some((pattern) => key.startsWith(pattern.slice(0, -1)));
}

describe("backup state", () => {
  it("records every outcome under hosts/<host>.*, which the host's instance role may write", async () => {
    const store = new LocalStore(await tempDir());
    const root = await tempDir();
    await writeTree(root, { "etc/hosts": "127.0.0.1 localhost\n" });
    const record = await createBackup({ store, sources: [root], host: "web01", label: "etc" });
    await verifyBackup({ store, backup: record.key });
    await expect(
      createBackup({ store, sources: [`${root}/missing`], host: "web01", label: "etc" }),
    ).rejects.toThrow();

    const keys: string[] = [];
    for await (const object of store.list("")) keys.push(object.key);

    const stateKeys = keys.filter((k) => !k.startsWith("backups/"));
    expect(stateKeys.sort()).toEqual([
      "hosts/web01.backup-etc-last-failure.json",
      "hosts/web01.backup-etc-last-success.json",
      "hosts/web01.backup-etc-last-verify.json",
      "hosts/web01.backup.json",
    ]);
    expect(keys.every((k) => ownedBy("web01", k))).toBe(true);
  });

  it("keeps a summary of every job that the dashboard's reader accepts", async () => {
    const store = new LocalStore(await tempDir());
    await recordSuccess(store, success("web01", "etc", "2026-11-21T05:00:10.000Z"));
    await recordSuccess(store, success("web01", "www", "2026-11-21T05:00:20.000Z"));
    await recordFailure(
      store,
      {
        host: "web01",
        label: "www",
        startedAt: "2026-11-21T06:00:00.000Z",
        failedAt: "2026-11-21T06:00:05.000Z",
        phase: "archiving",
        error: "ENOSPC",
      },
      new Date("2026-11-21T06:00:05.000Z"),
    );

    const summary = JSON.parse((await store.get(backupSummaryKey("web01")))?.toString() ?? "null");

    expect(summary).toMatchObject({
      version: 1,
      host: "web01",
      updatedAt: "2026-11-21T06:00:05.000Z",
      jobs: [
        { label: "etc", lastSuccess: { completedAt: "2026-11-21T05:00:10.000Z", size: 100 } },
        {
          label: "www",
          lastSuccess: { completedAt: "2026-11-21T05:00:20.000Z" },
          lastFailure: { failedAt: "2026-11-21T06:00:05.000Z", error: "ENOSPC" },
        },
      ],
      problems: [],
    });
    expect(hostBackupReportSchema.safeParse(summary).success).toBe(true);
  });

  it("reads a record a newer opsdeck wrote with fields this version does not know", async () => {
    const store = new LocalStore(await tempDir());
    const newer = { ...success("web01", "etc", "2026-11-21T05:00:10.000Z"), encryption: "age" };
    await store.put(backupStateKey("web01", "etc", "last-success"), JSON.stringify(newer));

    const [job] = await readBackupStates(store, "web01");

    expect(job?.lastSuccess).toEqual(success("web01", "etc", "2026-11-21T05:00:10.000Z"));
  });

  it("tells hosts apart even when a host name holds dots", async () => {
    const store = new LocalStore(await tempDir());
    await recordSuccess(store, success("web01", "etc", "2026-11-21T05:00:00.000Z"));
    await recordSuccess(store, success("web01.example.com", "etc", "2026-11-21T05:00:00.000Z"));
    await recordSuccess(store, success("web01.backup-x", "etc", "2026-11-21T05:00:00.000Z"));

    const all = await readBackupStates(store);
    const one = await readBackupStates(store, "web01");

    expect(all.map((s) => `${s.host}/${s.label}`)).toEqual([
      "web01.backup-x/etc",
      "web01.example.com/etc",
      "web01/etc",
    ]);
    expect(one.map((s) => s.host)).toEqual(["web01"]);
  });

  it("refuses a malformed record when reading, but lists it as a problem in the summary", async () => {
    const store = new LocalStore(await tempDir());
    await recordSuccess(store, success("web01", "etc", "2026-11-21T05:00:00.000Z"));
    await store.put(backupStateKey("web01", "www", "last-success"), '{"host":"web01"}');

    await expect(readBackupStates(store, "web01")).rejects.toThrow(ValidationError);
    const summary = await refreshBackupSummary(store, "web01", clock("2026-11-21T07:00:00Z")());

    expect(summary.jobs.map((j) => j.label)).toEqual(["etc", "www"]);
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]).toContain("hosts/web01.backup-www-last-success.json");
  });
});
