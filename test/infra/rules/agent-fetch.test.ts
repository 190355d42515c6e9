import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_POINTER_KEY, agentBundleKey } from "../../../infra/rules/agent-artifacts";
import { AGENT_PATHS, agentBootstrapSteps } from "../../../infra/rules/agent-bootstrap";
import { agentServerHome, packBundle, relocate } from "../../support/agent-server";
import { useTempDirs } from "../../support/temp-dir";

/**
 * The fetch script the agent's service runs before each start, run for real by bash: its paths moved
 * under a temp folder, and `aws s3 cp` answered from a folder standing in for the bucket.
 */

const tempDir = useTempDirs("opsdeck-agent-fetch");

interface Server {
  root: string;
  bucket: string;
  run(): { status: number | null; stderr: string };
  /** What `current` points at, relative to the releases folder. */
  current(): string;
  releases(): Promise<string[]>;
}

async function server(): Promise<Server> {
  const root = await tempDir();
  const home = await agentServerHome(root, AGENT_POINTER_KEY);
  const steps = agentBootstrapSteps({
    server: "web01",
    bucketName: "opsdeck-test",
    region: "eu-west-1",
    logLevel: "info",
    refreshMinutes: 5,
  });
  const fetchStep = steps.find((step) => step.startsWith(`cat > ${AGENT_PATHS.libexec}/fetch`)) as string;
  const script = relocate(
    fetchStep.slice(fetchStep.indexOf("\n") + 1, fetchStep.indexOf("OPSDECK_FILE\n")),
    root,
  );
  await mkdir(path.join(root, "opt", "releases"), { recursive: true });
  await mkdir(path.join(root, "etc"), { recursive: true });
  return {
    root,
    bucket: home.bucket,
    run: () => home.bash(script),
    current: () => path.basename(readlinkSync(path.join(root, "opt", "current"))),
    releases: async () => (await readdir(path.join(root, "opt", "releases"))).sort(),
  };
}

/** Packs a bundle folder as the build does and publishes it with its pointer, as the stack does. */
async function publish(s: Server, files: Record<string, string>, options: { pointAt?: string } = {}) {
  const { bytes, sha256 } = await packBundle(files);
  const sha = options.pointAt ?? sha256;
  await writeFile(path.join(s.bucket, agentBundleKey(sha)), bytes);
  await writeFile(path.join(s.bucket, AGENT_POINTER_KEY), `${sha}  ${agentBundleKey(sha)}\n`);
  return sha;
}

describe("the agent's fetch script", () => {
  it("unpacks the bundle into its release, points current at it and installs the config", async () => {
    const s = await server();
    const sha = await publish(s, { "opsdeck.mjs": "// v1\n", "chunk-A.mjs": "// chunk\n" });

    const run = s.run();

    expect(run).toEqual({ status: 0, stderr: "" });
    expect(s.current()).toBe(sha);
    expect(readFileSync(path.join(s.root, "opt", "current", "chunk-A.mjs"), "utf8")).toBe("// chunk\n");
    expect(readFileSync(path.join(s.root, "etc", "opsdeck.json"), "utf8")).toBe(
      '{"hosts":{"name":"web01"}}\n',
    );
    expect(readFileSync(path.join(s.root, "etc", "current.sha256"), "utf8")).toContain(sha);
  });

  it("switches to a new bundle and removes the old release", async () => {
    const s = await server();
    const first = await publish(s, { "opsdeck.mjs": "// v1\n" });
    expect(s.run().status).toBe(0);
    const second = await publish(s, { "opsdeck.mjs": "// v2\n" });

    expect(s.run().status).toBe(0);

    expect(second).not.toBe(first);
    expect(s.current()).toBe(second);
    expect(await s.releases()).toEqual([second]);
    expect(readFileSync(path.join(s.root, "opt", "current", "opsdeck.mjs"), "utf8")).toBe("// v2\n");
  });

  it("refuses a bundle that does not match its sha256 and keeps the release in use", async () => {
    const s = await server();
    const good = await publish(s, { "opsdeck.mjs": "// v1\n" });
    expect(s.run().status).toBe(0);
    await publish(s, { "opsdeck.mjs": "// tampered\n" }, { pointAt: "0".repeat(64) });

    const run = s.run();

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("does not match its sha256");
    expect(s.current()).toBe(good);
    expect(await s.releases()).toEqual([good]);
  });

  it("refuses an archive without the entry point, leaving nothing half-unpacked in use", async () => {
    const s = await server();
    const good = await publish(s, { "opsdeck.mjs": "// v1\n" });
    expect(s.run().status).toBe(0);
    const empty = await publish(s, { "README.txt": "no entry\n" });

    const run = s.run();

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("holds no opsdeck.mjs");
    expect(s.current()).toBe(good);
    expect(existsSync(path.join(s.root, "opt", "releases", empty))).toBe(false);
  });
});
