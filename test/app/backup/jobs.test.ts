import { describe, expect, it } from "vitest";
import { backupConfigSchema, listBackups, pruneBackupJobs, runBackupJob } from "../../../app/backup";
import { LocalStore } from "../../../app/storage";
import { storeCraftedBackup } from "../../fixtures/backup/crafted-archive";
import { useTempDirs } from "../../support/temp-dir";
import { writeTree } from "./helpers";

const tempDir = useTempDirs("opsdeck-backup-jobs");

describe("runBackupJob", () => {
  it("creates the configured job and verifies it when asked to", async () => {
    const store = new LocalStore(await tempDir());
    const root = await tempDir();
    await writeTree(root, { "a.conf": "a", "skip.tmp": "t" });
    const config = backupConfigSchema.parse({
      host: "web01",
      compressor: { name: "gzip", level: 1 },
      verifyAfterCreate: true,
      jobs: [{ label: "etc", sources: [root], exclude: ["**/*.tmp"] }],
    });

    const { record, verify } = await runBackupJob({ store, config }, "etc");

    expect(record).toMatchObject({
      host: "web01",
      label: "etc",
      files: 1,
      compressor: { name: "gzip", level: 1 },
    });
    expect(verify).toMatchObject({ ok: true, id: record.id });
  });

  it("names the known jobs when asked for one that does not exist", async () => {
    const store = new LocalStore(await tempDir());
    const config = backupConfigSchema.parse({ jobs: [{ label: "etc", sources: ["/etc"] }] });

    await expect(runBackupJob({ store, config }, "www")).rejects.toThrow(
      /no job labelled "www" \(known: etc\)/,
    );
  });
});

describe("pruneBackupJobs", () => {
  it("applies each job's own retention and leaves labels that are no longer configured alone", async () => {
    const store = new LocalStore(await tempDir());
    const entries = [{ path: "x", body: "x" }];
    for (const day of ["18", "19", "20", "21"]) {
      for (const label of ["etc", "www", "old"]) {
        await storeCraftedBackup(store, { host: "web01", id: `202611${day}T010000Z-${label}`, entries });
      }
    }
    const config = backupConfigSchema.parse({
      host: "web01",
      retention: { keepLast: 3 },
      jobs: [
        { label: "etc", sources: ["/etc"], retention: { keepLast: 1 } },
        { label: "www", sources: ["/srv"] },
      ],
    });

    const results = await pruneBackupJobs({ store, config });

    const remaining = (await listBackups(store, { host: "web01" })).map((b) => b.id);
    expect(remaining.filter((id) => id.endsWith("-etc"))).toEqual(["20261121T010000Z-etc"]);
    expect(remaining.filter((id) => id.endsWith("-www"))).toHaveLength(3);
    expect(remaining.filter((id) => id.endsWith("-old"))).toHaveLength(4);
    expect(results.map((r) => r.policy)).toEqual(["keep 1 last", "keep 3 last"]);
  });
});
