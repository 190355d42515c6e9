import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  AGENT_BUNDLE_PATH,
  AgentBundleMissingError,
  type BundleBuilder,
  ensureAgentBundle,
} from "../../../infra/lookups/agent-bundle";
import { useTempDirs } from "../../support/temp-dir";

const BUNDLE = "#!/usr/bin/env node\nconsole.log('opsdeck');\n";
const writingBuilder: BundleBuilder = (root) => {
  const file = path.join(root, AGENT_BUNDLE_PATH);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, BUNDLE);
};

describe("ensureAgentBundle", () => {
  const tempDir = useTempDirs("opsdeck-agent-bundle");

  it("builds the bundle when a fresh checkout has not, says so, and hashes what was built", async () => {
    const root = await tempDir();
    const messages: string[] = [];
    let builds = 0;

    const bundle = ensureAgentBundle(root, AGENT_BUNDLE_PATH, {
      build: (dir) => {
        builds++;
        writingBuilder(dir);
      },
      log: (message) => messages.push(message),
    });

    expect(builds).toBe(1);
    expect(messages).toEqual([`${AGENT_BUNDLE_PATH} is not built: building it now (npm run build -- cli)`]);
    expect(bundle).toEqual({
      path: path.join(root, AGENT_BUNDLE_PATH),
      sha256: createHash("sha256").update(BUNDLE).digest("hex"),
    });
  });

  it("uses a bundle that is already built without building again", async () => {
    const root = await tempDir();
    await mkdir(path.join(root, "dist", "cli"), { recursive: true });
    await writeFile(path.join(root, AGENT_BUNDLE_PATH), "built before");

    const bundle = ensureAgentBundle(root, AGENT_BUNDLE_PATH, {
      build: () => {
        throw new Error("must not build");
      },
    });

    expect(bundle.sha256).toBe(createHash("sha256").update("built before").digest("hex"));
  });

  it("reports a failed build as a missing bundle that names the path, the cause and the way out", async () => {
    const root = await tempDir();

    const attempt = () =>
      ensureAgentBundle(root, AGENT_BUNDLE_PATH, {
        build: () => {
          throw new Error("esbuild: entry app/cli/main.ts does not exist");
        },
      });

    expect(attempt).toThrow(AgentBundleMissingError);
    expect(attempt).toThrow(
      /dist\/opsdeck-agent\.tgz does not exist and building it failed \(esbuild: entry app\/cli\/main\.ts does not exist\): run `npm run build` first/,
    );
    expect(existsSync(path.join(root, "dist"))).toBe(false);
  });

  it("does not build for another bundle path, which the build would not write", async () => {
    const root = await tempDir();

    expect(() =>
      ensureAgentBundle(root, "elsewhere/opsdeck-agent.tgz", {
        build: () => {
          throw new Error("must not build");
        },
      }),
    ).toThrow(/elsewhere\/opsdeck-agent\.tgz does not exist: run `npm run build` first/);
  });
});
