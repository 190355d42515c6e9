import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { BackupJobState, BackupListing, PruneResult, VerifyResult } from "../../../app/backup";
import type { CreateOutcome } from "../../../app/cli/commands/backup-create";
import { EXIT } from "../../../app/cli/exit-codes";
import { type LocalS3, startLocalS3 } from "../../support/s3-server";
import { useTempDirs } from "../../support/temp-dir";
import { readTree, writeTree } from "../backup/helpers";
import { startReceiver } from "../monitor/support";
import { opsdeck, tickingClock } from "./support";

const tempDir = useTempDirs("opsdeck-cli-backup");
let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3();
  // The CLI's S3 client finds credentials the way it does on a workstation: in the environment.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await s3?.close();
});

interface Setup {
  config: string;
  source: string;
  dir: string;
}

async function setup(storage: "s3" | "local", extra = ""): Promise<Setup> {
  const dir = await tempDir();
  const source = path.join(dir, "www");
  await writeTree(source, {
    "index.html": "<h1>hello</h1>\n",
    "css/site.css": "body{}\n",
    "img/logo.bin": "\u0000\u0001",
  });
  const store =
    storage === "s3"
      ? `{ type: s3, bucket: ${await s3.createBucket()}, endpoint: "${s3.endpoint}", region: us-east-1 }`
      : `{ type: local, dir: "${path.join(dir, "store")}" }`;
  const config = path.join(dir, "opsdeck.yaml");
  await writeFile(
    config,
    `storage: ${store}\nhosts: { name: web01 }\nbackups:\n  jobs:\n    - { label: www, sources: ["${source}"] }\n${extra}`,
  );
  return { config, source, dir };
}

describe("opsdeck backup against a real S3 server", () => {
  it("creates, lists, verifies, restores and prunes backups", async () => {
    const { config, source, dir } = await setup("s3");
    const now = tickingClock("2026-11-21T05:00:00Z");
    const cli = (...args: string[]) => opsdeck([...args, "--config", config], { now });

    const first = await cli("backup", "create", "www", "--json");
    const second = await cli("backup", "create", "--all");
    const listed = await cli("backup", "list", "--json");
    const verified = await cli("backup", "verify", "--latest");
    const [outcome] = JSON.parse(first.stdout) as CreateOutcome[];
    const ref = outcome?.ok ? `${outcome.record.host}/${outcome.record.id}` : "?";
    const restored = await cli("backup", "restore", ref, "--target", path.join(dir, "out"));
    const again = await cli("backup", "restore", ref, "--target", path.join(dir, "out"));
    const forced = await cli("backup", "restore", ref, "--target", path.join(dir, "out"), "--force");
    const dryRun = await cli("backup", "prune", "--keep-last", "1", "--dry-run", "--json");
    const pruned = await cli("backup", "prune", "--keep-last", "1");
    const after = await cli("backup", "list", "--json");
    const status = await cli("backup", "status", "--json");

    expect(first.code).toBe(EXIT.ok);
    expect(outcome).toMatchObject({ ok: true, label: "www", record: { host: "web01", files: 3 } });
    expect(second.code).toBe(EXIT.ok);
    expect(second.stdout).toMatch(/www\s+ok\s+web01\/\d{8}T\d{6}Z-www/);
    const backups = JSON.parse(listed.stdout) as BackupListing[];
    expect(backups.map((b) => [b.host, b.label, b.complete])).toEqual([
      ["web01", "www", true],
      ["web01", "www", true],
    ]);
    expect(verified.code).toBe(EXIT.ok);
    expect(verified.stdout).toMatch(/web01\/\S+-www\s+ok/);
    expect(restored.code).toBe(EXIT.ok);
    const sourceTree = await readTree(source);
    const restoredTree = await readTree(path.join(dir, "out", source.slice(1)));
    expect(restoredTree).toEqual(sourceTree);
    expect(again.code).toBe(EXIT.failed);
    expect(again.stderr).toContain("restore conflict");
    expect(again.stderr).toContain("index.html: exists in the target");
    expect(forced.code).toBe(EXIT.ok);
    const [plan] = JSON.parse(dryRun.stdout) as PruneResult[];
    expect(plan?.groups[0]?.remove.map((r) => r.id)).toEqual([backups[0]?.id]);
    expect(plan?.deleted).toEqual([]);
    expect(pruned.code).toBe(EXIT.ok);
    expect(pruned.stdout).toMatch(/removed/);
    expect((JSON.parse(after.stdout) as BackupListing[]).map((b) => b.id)).toEqual([backups[1]?.id]);
    const [state] = JSON.parse(status.stdout) as BackupJobState[];
    expect(state).toMatchObject({ host: "web01", label: "www", lastSuccess: { id: backups[1]?.id } });
    expect(state?.lastVerify?.ok).toBe(true);
  });

  it("backs up folders given on the command line, showing progress on stderr", async () => {
    const { config, source } = await setup("s3");

    const run = await opsdeck([
      "backup",
      "create",
      "--source",
      source,
      "--label",
      "adhoc",
      "--exclude",
      "**/*.bin",
      "--progress",
      "--json",
      "--config",
      config,
    ]);

    expect(run.code).toBe(EXIT.ok);
    expect(JSON.parse(run.stdout)).toMatchObject([{ ok: true, label: "adhoc", record: { files: 2 } }]);
    expect(run.stderr).toMatch(/adhoc =+ 100% \| .* of .* \| \d+ entries/);
  });

  it("exits 5 on a failed backup and raises an alert through the configured webhook", async () => {
    const receiver = await startReceiver();
    try {
      const { config, source } = await setup(
        "s3",
        "notifiers:\n  - { name: pager, type: webhook, urlEnv: OPSDECK_ALERT_WEBHOOK_URL, retries: 0 }\n",
      );
      await writeFile(
        config,
        (await readFile(config, "utf8")).replace(`sources: ["${source}"]`, `sources: ["${source}/gone"]`),
      );

      const run = await opsdeck(["backup", "create", "www", "--config", config], {
        env: { OPSDECK_ALERT_WEBHOOK_URL: `${receiver.url}/hook` },
      });

      expect(run.code).toBe(EXIT.failed);
      expect(run.stderr).toMatch(/opsdeck: backup web01\/\S+-www failed while preparing: .*gone/);
      expect(run.stderr).not.toContain(receiver.url);
      expect(run.stdout).toMatch(/www\s+FAILED while preparing/);
      expect(receiver.events()).toMatchObject([
        {
          kind: "adhoc",
          subject: "backup:web01:www",
          severity: "critical",
          title: "Backup www on web01 failed",
          source: "opsdeck backup create",
        },
      ]);
    } finally {
      await receiver.close();
    }
  });

  it("exits 6 when a stored archive no longer matches its manifest", async () => {
    const { config, dir } = await setup("local");
    const created = await opsdeck(["backup", "create", "www", "--json", "--config", config]);
    const [outcome] = JSON.parse(created.stdout) as CreateOutcome[];
    const key = outcome?.ok ? outcome.record.key : "?";
    const archive = path.join(dir, "store", key);
    const bytes = await readFile(archive);
    const middle = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
    await writeFile(archive, bytes);

    const run = await opsdeck(["backup", "verify", key, "--json", "--config", config]);

    expect(run.code).toBe(EXIT.unhealthy);
    const [result] = JSON.parse(run.stdout) as VerifyResult[];
    expect(result?.ok).toBe(false);
    expect(result?.problems.join("\n")).toMatch(/SHA-256 mismatch/);
  });

  it("exits 3 naming the flag of a bad value", async () => {
    const { config, source } = await setup("local");

    const label = await opsdeck([
      "backup",
      "create",
      "--source",
      source,
      "--label",
      "a.b",
      "--config",
      config,
    ]);
    const level = await opsdeck([
      "backup",
      "create",
      "www",
      "--compressor",
      "zstd",
      "--level",
      "30",
      "--config",
      config,
    ]);

    expect(label.code).toBe(EXIT.invalid);
    expect(label.stderr).toContain('  --label: "a.b" must be 1-64 characters');
    expect(level.code).toBe(EXIT.invalid);
    expect(level.stderr).toContain("  --level: expected 1-19 for zstd, got 30");
  });

  it("exits 4 for a backup that does not exist and 2 for a create without a job", async () => {
    const { config } = await setup("local");

    const missing = await opsdeck(["backup", "verify", "web01/20260101T000000Z-www", "--config", config]);
    const restore = await opsdeck([
      "backup",
      "restore",
      "web01/20260101T000000Z-www",
      "--target",
      "/tmp/x",
      "--config",
      config,
    ]);
    const noJob = await opsdeck(["backup", "create", "--config", config]);
    const unknownJob = await opsdeck(["backup", "create", "etc", "--config", config]);

    expect(missing.code).toBe(EXIT.unhealthy);
    expect(restore.code).toBe(EXIT.notFound);
    expect(restore.stderr).toContain("backup web01/20260101T000000Z-www");
    expect(noJob.code).toBe(EXIT.usage);
    expect(noJob.stderr).toContain("name a job (configured: www), --all, or --source <folder>");
    expect(unknownJob.code).toBe(EXIT.usage);
    expect(unknownJob.stderr).toContain("no backup job labelled etc (configured: www)");
  });
});
