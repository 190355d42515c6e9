import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../../app/cli/exit-codes";
import { useTempDirs } from "../../support/temp-dir";
import { writeTree } from "../backup/helpers";
import { runNode } from "./bundle-support";

/**
 * Every run of `opsdeck` reads the whole command tree, but a command's implementation, and the
 * packages behind it, load only when that command runs: the AWS SDK, the Kubernetes client,
 * systeminformation and the config schemas are most of a run's memory (docs/benchmarks/backup.md).
 * Runs the TypeScript entry through tsx and lists the npm packages each run loaded.
 */

const tempDir = useTempDirs("opsdeck-cli-lazy");
const root = path.resolve(__dirname, "../../..");
const HEAVY = ["@aws-sdk/client-s3", "@kubernetes/client-node", "systeminformation"];
const recorder = path.join(root, "test/fixtures/cli/record-packages.cjs");

async function packagesLoadedBy(args: string[], env: Record<string, string> = {}) {
  const record = path.join(await tempDir(), "packages.json");
  const run = await runNode(path.join(root, "app/cli/main.ts"), args, {
    cwd: root,
    env: { ...env, OPSDECK_RECORD_PACKAGES: record, NODE_OPTIONS: `--import tsx --require ${recorder}` },
  });
  return { run, packages: JSON.parse(await readFile(record, "utf8")) as string[] };
}

describe("opsdeck loads a command's code only when it runs", () => {
  it("--version loads no schema library, no SDK and no logger", async () => {
    const { run, packages } = await packagesLoadedBy(["--version"]);

    expect(run.code).toBe(EXIT.ok);
    expect(packages).toContain("commander");
    for (const name of [...HEAVY, "zod", "yaml", "pino"]) expect(packages).not.toContain(name);
  });

  it("a backup into a local store loads neither the AWS SDK nor the Kubernetes client", async () => {
    const dir = await tempDir();
    await writeTree(path.join(dir, "etc"), { "app.conf": "listen 8080\n" });
    const config = path.join(dir, "opsdeck.json");
    await writeFile(config, JSON.stringify({ storage: { type: "local", dir: path.join(dir, "store") } }));

    const { run, packages } = await packagesLoadedBy([
      "-c",
      config,
      "backup",
      "create",
      "--source",
      path.join(dir, "etc"),
    ]);

    expect(run.code).toBe(EXIT.ok);
    expect(packages).toEqual(expect.arrayContaining(["commander", "zod", "yaml"]));
    for (const name of HEAVY) expect(packages).not.toContain(name);
  });

  it("an S3 store loads the AWS SDK when it is opened", async () => {
    const dir = await tempDir();
    const config = path.join(dir, "opsdeck.json");
    // Nothing listens on port 1: the listing fails fast, after the store was opened.
    await writeFile(
      config,
      JSON.stringify({
        storage: { type: "s3", bucket: "opsdeck-test", region: "us-east-1", endpoint: "http://127.0.0.1:1" },
      }),
    );

    const { run, packages } = await packagesLoadedBy(["-c", config, "backup", "list"], {
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    });

    expect(run.code).toBe(EXIT.failed);
    expect(packages).toContain("@aws-sdk/client-s3");
    expect(packages).not.toContain("@kubernetes/client-node");
  });
});
