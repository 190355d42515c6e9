import type { ChildProcess } from "node:child_process";
import { appendFile, mkdir, mkdtemp, open, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogReport } from "../../../app/agent";
import { readBackupStates } from "../../../app/backup";
import { EXIT } from "../../../app/cli/exit-codes";
import { LocalStore } from "../../../app/storage";
import { useTempDirs } from "../../support/temp-dir";
import { buildCli, type Exited, runNode } from "../cli/bundle-support";
import { json, waitFor } from "./support";

const tempDir = useTempDirs("opsdeck-agent-process");
let bundle: string;
let buildDir: string;

beforeAll(async () => {
  buildDir = await mkdtemp(path.join(tmpdir(), "opsdeck-agent-build-"));
  bundle = await buildCli(buildDir);
});
afterAll(async () => {
  await rm(buildDir, { recursive: true, force: true });
});

/** Starts `opsdeck agent` from the bundle, as systemd runs it on a server. */
function startAgentProcess(config: string): { child: Promise<ChildProcess>; exited: Promise<Exited> } {
  let started: (child: ChildProcess) => void = () => {};
  const child = new Promise<ChildProcess>((resolve) => {
    started = resolve;
  });
  const exited = runNode(bundle, ["agent", "--config", config], {
    env: { OPSDECK_LOG_LEVEL: "info" },
    started,
  });
  return { child, exited };
}

async function writeConfig(dir: string, sections: string): Promise<string> {
  const file = path.join(dir, "opsdeck.yaml");
  await writeFile(
    file,
    [
      `storage: { type: local, dir: "${path.join(dir, "store")}" }`,
      "hosts: { name: web01 }",
      "schedule: { heartbeatEveryMs: 1000, metricsEveryMs: 2000 }",
      "metrics: { topProcesses: 0 }",
      sections,
    ].join("\n"),
  );
  return file;
}

describe("opsdeck agent as a process", () => {
  it("heartbeats, reports followed logs, backs up, and exits 0 on SIGTERM", async () => {
    const dir = await tempDir();
    const log = path.join(dir, "app.log");
    await writeFile(log, "");
    await mkdir(path.join(dir, "www"));
    await writeFile(path.join(dir, "www", "index.html"), "<h1>hi</h1>\n");
    const config = await writeConfig(
      dir,
      [
        `logs: { follow: ["${log}"], reportEveryMs: 1000, pollIntervalMs: 50 }`,
        `backups: { jobs: [{ label: www, sources: ["${path.join(dir, "www")}"] }] }`,
      ].join("\n"),
    );
    const store = new LocalStore(path.join(dir, "store"));

    const agent = startAgentProcess(config);
    const child = await agent.child;
    await waitFor("a heartbeat", async () => store.get("hosts/web01.json"));
    await waitFor("a first log report", async () => store.get("hosts/web01.logs.json"));
    await appendFile(log, "2026-11-21T10:00:00Z ERROR DiskFull on /dev/sda1\n");
    const report = await waitFor("the error in the report", async () => {
      const stored = json<LogReport>(await store.get("hosts/web01.logs.json"));
      return stored && stored.errors > 0 ? stored : undefined;
    });
    const manifests = await waitFor("a scheduled backup", async () => {
      const names = await readdir(path.join(dir, "store", "backups", "web01")).catch(() => []);
      const found = names.filter((n) => n.endsWith(".manifest.json"));
      return found.length > 0 ? found : undefined;
    });
    child.kill("SIGTERM");
    const exited = await agent.exited;

    expect(report.topErrors).toEqual([{ message: "DiskFull", count: 1 }]);
    expect(manifests).toHaveLength(1);
    expect(exited.code).toBe(EXIT.ok);
    expect(exited.stderr).toContain('"msg":"agent stopped"');
    expect(exited.stdout).toBe("");
  });

  it("aborts a backup in flight on SIGTERM and leaves nothing that looks complete", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "big"));
    const handle = await open(path.join(dir, "big", "disk.img"), "w");
    await handle.truncate(32 * 1024 ** 3); // sparse: many GiB to compress, nothing on disk
    await handle.close();
    const config = await writeConfig(
      dir,
      `backups: { jobs: [{ label: big, sources: ["${path.join(dir, "big")}"] }] }`,
    );
    const hostDir = path.join(dir, "store", "backups", "web01");

    const agent = startAgentProcess(config);
    const child = await agent.child;
    await waitFor("archive bytes in flight", async () =>
      (await readdir(hostDir).catch(() => [])).some((name) => name.includes(".tmp-")),
    );
    child.kill("SIGTERM");
    const exited = await agent.exited;

    expect(exited.code).toBe(EXIT.ok);
    expect(exited.stderr).toContain("backup cancelled by shutdown");
    expect(await readdir(hostDir).catch(() => [])).toEqual([]);
    const [state] = await readBackupStates(new LocalStore(path.join(dir, "store")), "web01");
    expect(state?.lastSuccess).toBeUndefined();
    expect(state?.lastFailure?.error).toContain("cancelled");
  });
});
