import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { agentBundleKey, LEGACY_POINTER_KEY } from "../../../infra/rules/agent-artifacts";
import { legacyLauncherObjects } from "../../../infra/rules/agent-legacy-launcher";
import { agentServerHome, packBundle, relocate } from "../../support/agent-server";
import { useTempDirs } from "../../support/temp-dir";

/**
 * A server bootstrapped before the agent shipped as an archive, run for real: its fetch and run
 * scripts are test/fixtures/agent/pre-archive/, rendered from the first-boot steps of commit 28d9bed
 * (the last with the single-file bundle) and never changed since, as on such a server. The stack now
 * publishes the legacy launcher under the pointer those scripts read; node runs it as their `run`
 * does, with the release's opsdeck.mjs replaced by one that records how it was started.
 */

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "agent", "pre-archive");
const tempDir = useTempDirs("opsdeck-legacy-launcher");

interface OldServer {
  bucket: string;
  /** The release folders under the service's state directory. */
  releases(): Promise<string[]>;
  fetch(): { status: number | null; stderr: string };
  run(): { status: number | null; stderr: string };
  /** What the release's entry point recorded at its last start. */
  started(): { release: string; argv: string[] };
}

async function oldServer(): Promise<OldServer> {
  const root = await tempDir();
  const state = path.join(root, "state");
  const record = path.join(root, "started.json");
  // The old /etc/opsdeck/agent.env named the legacy pointer; systemd sets STATE_DIRECTORY from StateDirectory=opsdeck.
  const home = await agentServerHome(root, LEGACY_POINTER_KEY, {
    STATE_DIRECTORY: state,
    STARTED_RECORD: record,
  });
  await Promise.all(["opt", "etc", "state"].map((dir) => mkdir(path.join(root, dir))));
  const script = async (name: string) =>
    relocate(await readFile(path.join(FIXTURES, name), "utf8"), root).replace(
      "/usr/bin/node-22",
      process.execPath,
    );
  const [fetchScript, runScript] = await Promise.all([script("fetch"), script("run")]);
  return {
    bucket: home.bucket,
    releases: async () => (await readdir(path.join(state, "releases"))).sort(),
    fetch: () => home.bash(fetchScript),
    run: () => home.bash(runScript),
    started: () => {
      const { url, argv } = JSON.parse(readFileSync(record, "utf8")) as { url: string; argv: string[] };
      return {
        release: path.relative(path.join(state, "releases"), path.dirname(new URL(url).pathname)),
        argv,
      };
    },
  };
}

/** An entry point that records its start, importing a chunk beside it as the real one does. */
function entryPoint(version: string): Record<string, string> {
  return {
    "opsdeck.mjs": [
      `import { version } from "./chunk-A.mjs";`,
      `import { writeFileSync } from "node:fs";`,
      `writeFileSync(process.env.STARTED_RECORD, JSON.stringify({ url: import.meta.url, argv: [version, ...process.argv.slice(2)] }));`,
    ].join("\n"),
    "chunk-A.mjs": `export const version = ${JSON.stringify(version)};\n`,
  };
}

/**
 * Packs a bundle folder as the build does and publishes it as the stack does: the archive, the
 * launcher for it and the legacy pointer. `archiveSha` overrides the sha256 the launcher expects.
 */
async function publish(s: OldServer, files: Record<string, string>, options: { archiveSha?: string } = {}) {
  const { bytes, sha256 } = await packBundle(files);
  const sha = options.archiveSha ?? sha256;
  await writeFile(path.join(s.bucket, agentBundleKey(sha)), bytes);
  const launcher = legacyLauncherObjects(sha);
  await writeFile(path.join(s.bucket, launcher.key), launcher.content);
  await writeFile(path.join(s.bucket, LEGACY_POINTER_KEY), launcher.pointer);
  return sha;
}

/** A server that fetched and ran one release through the launcher. */
async function runningRelease(version: string): Promise<{ s: OldServer; sha: string }> {
  const s = await oldServer();
  const sha = await publish(s, entryPoint(version));
  s.fetch();
  s.run();
  return { s, sha };
}

describe("a server bootstrapped before the archive, on the legacy launcher", () => {
  it("fetches the launcher with its own script and runs the release's CLI with the agent's arguments", async () => {
    const s = await oldServer();
    const sha = await publish(s, entryPoint("v1"));

    expect(s.fetch()).toEqual({ status: 0, stderr: "" });
    expect(s.run()).toEqual({ status: 0, stderr: "" });

    expect(s.started().release).toBe(sha);
    expect(s.started().argv).toEqual([
      "v1",
      "agent",
      "--config",
      expect.stringMatching(/etc\/opsdeck\.json$/),
    ]);
    expect(await s.releases()).toEqual([sha]);
  });

  it("switches to a new release at the next start and removes the older one", async () => {
    const { s } = await runningRelease("v1");
    const second = await publish(s, entryPoint("v2"));

    expect(s.fetch().status).toBe(0);
    expect(s.run().status).toBe(0);

    expect(s.started()).toMatchObject({
      release: second,
      argv: ["v2", "agent", "--config", expect.any(String)],
    });
    expect(await s.releases()).toEqual([second]);
  });

  it("runs an installed release without fetching its archive again", async () => {
    const { s, sha } = await runningRelease("v1");
    await rm(path.join(s.bucket, agentBundleKey(sha)));

    expect(s.run()).toEqual({ status: 0, stderr: "" });
    expect(s.started().release).toBe(sha);
  });

  it("refuses an archive that does not match its sha256, keeping the release in use and leaving nothing half-fetched", async () => {
    const { s, sha: good } = await runningRelease("v1");
    await publish(s, entryPoint("tampered"), { archiveSha: "0".repeat(64) });

    expect(s.fetch().status).toBe(0);
    const run = s.run();

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("does not match its sha256");
    expect(await s.releases()).toEqual([good]);
  });

  it("refuses an archive without the entry point, unpacking nothing into place", async () => {
    const { s, sha: good } = await runningRelease("v1");
    const empty = await publish(s, { "README.txt": "no entry\n" });

    s.fetch();
    const run = s.run();

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("holds no opsdeck.mjs");
    expect(await s.releases()).toEqual([good]);
    expect(existsSync(path.join(path.dirname(s.bucket), "state", "releases", empty))).toBe(false);
  });
});
