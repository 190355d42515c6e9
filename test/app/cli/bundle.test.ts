import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupListing } from "../../../app/backup";
import type { CheckResult } from "../../../app/checks";
import { EXIT } from "../../../app/cli/exit-codes";
import type { LogAnalysis } from "../../../app/logs";
import { packFolder } from "../../../scripts/build";
import { startHttpServer } from "../../support/loopback";
import { useTempDirs } from "../../support/temp-dir";
import { writeTree } from "../backup/helpers";
import { buildCli, runNode } from "./bundle-support";
import { writeSampleLogs } from "./sample-logs";

const tempDir = useTempDirs("opsdeck-cli-bundle");
const root = path.resolve(__dirname, "../../..");
let bundle: string;
let buildDir: string;

beforeAll(async () => {
  buildDir = await mkdtemp(path.join(tmpdir(), "opsdeck-cli-build-"));
  bundle = await buildCli(buildDir);
});
afterAll(async () => {
  await rm(buildDir, { recursive: true, force: true });
});

describe("the opsdeck bundle (dist/cli/opsdeck.mjs and its chunks)", () => {
  it("prints its help and exits 0", async () => {
    const run = await runNode(bundle, ["--help"]);

    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain("Usage: opsdeck");
    expect(run.stdout).toContain("Exit codes:");
  });

  it("analyses a log file", async () => {
    const access = (await writeSampleLogs(await tempDir()))("access.log");

    const run = await runNode(bundle, ["logs", "analyze", "--json", access]);

    expect(run.code).toBe(EXIT.ok);
    const analysis = JSON.parse(run.stdout) as LogAnalysis;
    expect(analysis.files[0]?.format).toBe("access");
    expect(analysis.errorTypes.top.map((t) => t.type).sort()).toEqual(["HTTP 500", "HTTP 503"]);
  });

  it("creates and lists a backup in a local store", async () => {
    const dir = await tempDir();
    await writeTree(path.join(dir, "etc"), { "app.conf": "listen 8080\n" });
    const config = path.join(dir, "opsdeck.json");
    await writeFile(
      config,
      JSON.stringify({ storage: { type: "local", dir: path.join(dir, "store") }, hosts: { name: "web01" } }),
    );

    const create = await runNode(bundle, [
      "backup",
      "create",
      "--source",
      path.join(dir, "etc"),
      "--label",
      "etc",
      "-c",
      config,
    ]);
    const list = await runNode(bundle, ["backup", "list", "--json", "-c", config]);

    expect(create.code).toBe(EXIT.ok);
    expect(create.stdout).toMatch(/etc\s+ok\s+web01\/\d{8}T\d{6}Z-etc/);
    expect((JSON.parse(list.stdout) as BackupListing[]).map((b) => [b.host, b.label, b.complete])).toEqual([
      ["web01", "etc", true],
    ]);
  });

  it("runs a kubernetes check through the bundled Kubernetes client", async () => {
    const pods = await readFile(path.join(root, "test/fixtures/monitoring/kubernetes/healthy.json"));
    const api = await startHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(pods);
    });
    try {
      const dir = await tempDir();
      const kubeconfig = path.join(dir, "kubeconfig");
      await writeFile(
        kubeconfig,
        JSON.stringify({
          apiVersion: "v1",
          kind: "Config",
          clusters: [{ name: "c", cluster: { server: api.url, "insecure-skip-tls-verify": true } }],
          users: [{ name: "u", user: { token: "t" } }],
          contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
          "current-context": "c",
        }),
      );
      const config = path.join(dir, "opsdeck.json");
      await writeFile(
        config,
        JSON.stringify({ checks: [{ id: "pods", type: "kubernetes", kubeconfig, namespace: "shop" }] }),
      );

      const run = await runNode(bundle, ["check", "--json", "-c", config]);

      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout) as CheckResult[]).toMatchObject([{ checkId: "pods", status: "up" }]);
    } finally {
      await api.close();
    }
  });

  it("exits with the documented code and one line for a known error", async () => {
    const run = await runNode(bundle, ["logs", "analyze", "/nonexistent/app.log"]);

    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe("opsdeck: /nonexistent/app.log: no such file\n");
  });
});

describe("the agent archive (dist/opsdeck-agent.tgz)", () => {
  it("holds the entry, its chunks, the log-scan worker and the licences, and runs where it is unpacked", async () => {
    const archive = path.join(buildDir, "opsdeck-agent.tgz");
    const release = await tempDir();
    const unpack = spawnSync("tar", ["-xzf", archive, "-C", release], { encoding: "utf8" });
    expect(unpack.status, unpack.stderr).toBe(0);
    const files = await readdir(release);

    expect(files).toEqual(expect.arrayContaining(["opsdeck.mjs", "scan-worker.js"]));
    expect(files.filter((f) => f.endsWith(".mjs")).length).toBeGreaterThan(10);
    expect(files.some((f) => f.endsWith(".LEGAL.txt"))).toBe(true);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    const access = (await writeSampleLogs(await tempDir()))("access.log");
    const run = await runNode(path.join(release, "opsdeck.mjs"), ["logs", "analyze", "--json", access]);
    expect(run.code).toBe(EXIT.ok);
    expect((JSON.parse(run.stdout) as LogAnalysis).files[0]?.format).toBe("access");
  });

  it("is the same bytes when the same build is packed again (its sha256 names the fleet's artifact)", async () => {
    const again = path.join(await tempDir(), "again.tgz");
    const entry = path.join(buildDir, "cli", "opsdeck.mjs");
    await utimes(entry, new Date(), new Date());

    await packFolder(path.join(buildDir, "cli"), again);

    expect(await readFile(again)).toEqual(await readFile(path.join(buildDir, "opsdeck-agent.tgz")));
  });
});

describe("bin/opsdeck in a checkout", () => {
  it("runs the TypeScript sources when told to (or when the bundle is stale)", async () => {
    const run = await runNode(path.join(root, "bin/opsdeck"), ["--version"], {
      env: { OPSDECK_CLI_FROM: "source" },
    });

    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("loads a command's modules from the sources too (they are imported when the command runs)", async () => {
    const access = (await writeSampleLogs(await tempDir()))("access.log");

    const run = await runNode(path.join(root, "bin/opsdeck"), ["logs", "analyze", "--json", access], {
      env: { OPSDECK_CLI_FROM: "source" },
    });

    expect(run.code).toBe(EXIT.ok);
    expect((JSON.parse(run.stdout) as LogAnalysis).files[0]?.format).toBe("access");
  });
});
