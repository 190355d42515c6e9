import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { recordSuccess } from "../../../app/backup/state";
import type { BackupJobStatus } from "../../../app/cli/commands/backup";
import { EXIT } from "../../../app/cli/exit-codes";
import { LocalStore } from "../../../app/storage";
import { backupSuccess } from "../../support/backup-states";
import { useTempDirs } from "../../support/temp-dir";
import { writeTree } from "../backup/helpers";
import { opsdeck, tickingClock } from "./support";

const tempDir = useTempDirs("opsdeck-cli-backup-status");
const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-21T05:00:00Z");
const at = (ms: number) => () => new Date(T0 + ms);

/**
 * web01 with two jobs on a local store: `www` every 60 minutes (threshold 2 h, recorded with each
 * success) and `gone`, whose source does not exist, so it only ever fails.
 */
async function setup() {
  const dir = await tempDir();
  const source = path.join(dir, "www");
  await writeTree(source, { "index.html": "<h1>hello</h1>\n" });
  const config = path.join(dir, "opsdeck.yaml");
  await writeFile(
    config,
    [
      `storage: { type: local, dir: "${path.join(dir, "store")}" }`,
      "hosts: { name: web01 }",
      "backups:",
      "  jobs:",
      `    - { label: www, sources: ["${source}"], intervalMinutes: 60 }`,
      `    - { label: gone, sources: ["${path.join(dir, "missing")}"] }`,
      "",
    ].join("\n"),
  );
  const cli = (now: () => Date, ...args: string[]) => opsdeck([...args, "--config", config], { now });
  // The real writers: a backup run records its success or failure.
  const created = await cli(tickingClock(new Date(T0).toISOString()), "backup", "create", "www");
  const failed = await cli(tickingClock(new Date(T0).toISOString()), "backup", "create", "gone");
  expect(created.code).toBe(EXIT.ok);
  expect(failed.code).toBe(EXIT.failed);
  return { cli, store: new LocalStore(path.join(dir, "store")) };
}

describe("opsdeck backup status", () => {
  it("shows each job's age, threshold and freshness, and exits 6 while a job is stale", async () => {
    const { cli } = await setup();

    const run = await cli(at(HOUR), "backup", "status");

    expect(run.code).toBe(EXIT.unhealthy);
    const [header, , ...rows] = run.stdout.trimEnd().split("\n");
    expect(header).toMatch(
      /^host\s+label\s+last success\s+age\s+size\s+stale after\s+freshness\s+last failure\s+last verify$/,
    );
    // Sorted by label: gone never succeeded (stale at once, default threshold 48 h); www is ~1 h old of 2 h
    // (the runs took a few ticks of the clock, so just under an hour).
    expect(rows[0]).toMatch(
      /^web01\s+gone\s+never\s+-\s+-\s+2d\s+STALE\s+60m ago: sources\[0\]: .*missing does not exist/,
    );
    expect(rows[1]).toMatch(
      /^web01\s+www\s+2026-11-21T05:00:\d\d\.000Z\s+60m\s+\d+(\.\d)? \w?B\s+2h\s+ok\s+-\s+-$/,
    );
    expect(rows).toHaveLength(2);
  });

  it("puts stale, staleAfterMs and ageMs in --json, by the dashboard's rule", async () => {
    const { cli } = await setup();

    const fresh = await cli(at(HOUR), "backup", "status", "--json");
    const stale = await cli(at(3 * HOUR), "backup", "status", "--json");

    const jobs = JSON.parse(fresh.stdout) as BackupJobStatus[];
    const www = jobs.find((j) => j.label === "www");
    const gone = jobs.find((j) => j.label === "gone");
    expect(www).toMatchObject({ host: "web01", stale: false, staleAfterMs: 2 * HOUR });
    expect(www?.ageMs).toBe(T0 + HOUR - Date.parse(www?.lastSuccess?.completedAt ?? ""));
    expect(gone).toMatchObject({ stale: true, staleAfterMs: 48 * HOUR, lastFailure: { phase: "preparing" } });
    expect(gone).not.toHaveProperty("ageMs");
    expect(gone).not.toHaveProperty("lastSuccess");

    expect(stale.code).toBe(EXIT.unhealthy);
    expect((JSON.parse(stale.stdout) as BackupJobStatus[]).find((j) => j.label === "www")).toMatchObject({
      stale: true,
      staleAfterMs: 2 * HOUR,
    });
  });

  it("exits 0 when every job shown is fresh; --host picks one host, every host by default", async () => {
    const { cli, store } = await setup();
    await recordSuccess(
      store,
      backupSuccess({
        host: "db01",
        label: "pg",
        id: "20261121T050000Z-pg",
        completedAt: new Date(T0).toISOString(),
        staleAfterMs: 12 * HOUR,
      }),
    );

    const db01 = await cli(at(HOUR), "backup", "status", "--host", "db01", "--json");
    const all = await cli(at(HOUR), "backup", "status", "--json");
    const none = await cli(at(HOUR), "backup", "status", "--host", "nobody");

    expect(db01.code).toBe(EXIT.ok);
    expect(JSON.parse(db01.stdout)).toEqual([
      expect.objectContaining({
        host: "db01",
        label: "pg",
        stale: false,
        staleAfterMs: 12 * HOUR,
        ageMs: HOUR,
      }),
    ]);
    expect((JSON.parse(all.stdout) as BackupJobStatus[]).map((j) => `${j.host}/${j.label}`)).toEqual([
      "db01/pg",
      "web01/gone",
      "web01/www",
    ]);
    expect(all.code).toBe(EXIT.unhealthy);
    expect(none.code).toBe(EXIT.ok);
    expect(none.stderr).toContain("no backup records found");
  });
});
