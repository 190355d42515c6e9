import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundles } from "../../scripts/build";
import { type LoopbackServer, startHttpServer } from "../support/loopback";
import { useTempDirs } from "../support/temp-dir";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const fixtures = path.join(root, "test/fixtures/lambda");
const tempDir = useTempDirs("opsdeck-lambda-bundle");

/** Loads the bundle the way the Lambda runtime does (require, then call `handler`) and feeds it events. */
const INVOKE = `
const { readFileSync } = require("node:fs");
const { handler } = require(process.argv[2]);
const context = { awsRequestId: "test", getRemainingTimeInMillis: () => 60000 };
(async () => {
  const results = [];
  for (const file of process.argv.slice(3)) results.push(await handler(JSON.parse(readFileSync(file, "utf8")), context));
  process.stdout.write(JSON.stringify(results));
})().catch((error) => { console.error(error); process.exit(1); });
`;

let outDir: string;
let service: LoopbackServer;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), "opsdeck-lambda-dist-"));
  await buildBundles(["lambda"], { outDir });
  service = await startHttpServer((_req, res) => {
    res.end("ok");
  });
  return async () => {
    await service.close();
    await rm(outDir, { recursive: true, force: true });
  };
});

describe("the built Lambda bundle", () => {
  it("stays under its 1 MB budget", async () => {
    const { size } = await stat(path.join(outDir, "lambda/index.js"));

    expect(size).toBeLessThan(1024 * 1024);
  });

  it("runs a checks round and then serves the status page, loaded in a child Node process", async () => {
    const dir = await tempDir();
    const script = path.join(dir, "invoke.js");
    await writeFile(script, INVOKE);
    const config = {
      storage: { type: "local", dir: path.join(dir, "data") },
      checkDefaults: { retries: 0 },
      checks: [
        { id: "plain", type: "http", url: `${service.url}/` },
        // Custom TLS settings route the probe through undici's Agent, which the lean bundle ships alone.
        { id: "agent", type: "http", url: `${service.url}/`, tls: { insecure: true } },
        // The bundle leaves the Kubernetes client out: the check is down and says why.
        { id: "pods", type: "kubernetes", kubeconfig: path.join(dir, "kubeconfig") },
      ],
    };
    // Like the Lambda runtime, only the AWS SDK is there to require (its own dependencies resolve
    // from the repository through the symlink's real path).
    const runtimeModules = path.join(dir, "runtime-modules");
    await mkdir(runtimeModules);
    await symlink(path.join(root, "node_modules/@aws-sdk"), path.join(runtimeModules, "@aws-sdk"));

    const { stdout } = await run(
      process.execPath,
      [
        script,
        path.join(outDir, "lambda/index.js"),
        path.join(fixtures, "eventbridge-scheduled.json"),
        path.join(fixtures, "function-url-status-page.json"),
      ],
      {
        cwd: dir,
        // The bundle leaves @aws-sdk/* to the Lambda runtime; here they come from the repository.
        env: {
          PATH: process.env.PATH,
          NODE_PATH: runtimeModules,
          OPSDECK_CONFIG: JSON.stringify(config),
        },
      },
    );

    const [round, page] = JSON.parse(stdout) as [
      Record<string, unknown>,
      { statusCode: number; body: string },
    ];
    expect(round).toMatchObject({ checks: 3, down: 1, errors: [] });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-check="plain" data-status="up"');
    expect(page.body).toContain('data-check="agent" data-status="up"');
    expect(page.body).toContain('data-check="pods" data-status="down"');
    expect(page.body).toContain(
      "kubernetes checks need @kubernetes/client-node, which this build does not include",
    );
  });
});
