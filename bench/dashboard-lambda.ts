/**
 * Benchmark: the Lambda bundle's size and module initialisation time, plus the first invocation.
 *
 *   npm run bench:dashboard-lambda                  # 15 cold starts
 *   npm run bench:dashboard-lambda -- --runs 5 --json
 *
 * Targets (issue 5): bundle < 1 MB, module initialisation < 150 ms in Node. Each run is a fresh
 * Node process that `require`s the bundle the way the Lambda runtime does; @aws-sdk/* (left out of
 * the bundle because the Lambda image ships it) resolves from this repository's node_modules, so
 * its load time is included. "First invoke" adds what the first request pays on top: loading the
 * config, opening the store and answering /healthz.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";
import { buildBundles } from "../scripts/build";

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: { runs: { type: "string", default: "15" }, json: { type: "boolean", default: false } },
});
const root = path.resolve(__dirname, "..");

/** Measures `require(bundle)` and the first /healthz invocation inside one fresh process. */
const PROBE = `
const t0 = process.hrtime.bigint();
const { handler } = require(process.argv[2]);
const t1 = process.hrtime.bigint();
const event = JSON.parse(require("node:fs").readFileSync(process.argv[3], "utf8"));
event.rawPath = event.requestContext.http.path = "/healthz";
handler(event, { getRemainingTimeInMillis: () => 60000 }).then((res) => {
  const t2 = process.hrtime.bigint();
  if (res.statusCode !== 200) throw new Error("healthz answered " + res.statusCode);
  process.stdout.write(JSON.stringify({ initMs: Number(t1 - t0) / 1e6, firstInvokeMs: Number(t2 - t1) / 1e6 }));
});
`;

/** The AWS SDK modules the bundle leaves to the runtime, loaded alone, for the breakdown. */
const SDK_PROBE = `
const t0 = process.hrtime.bigint();
require("@aws-sdk/client-s3");
require("@aws-sdk/lib-storage");
process.stdout.write(JSON.stringify({ sdkMs: Number(process.hrtime.bigint() - t0) / 1e6 }));
`;

function stats(values: number[]): { median: number; p90: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p90: at(0.9), min: sorted[0] as number, max: sorted.at(-1) as number };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-lambda-"));
  try {
    await buildBundles(["lambda"], { outDir: dir });
    const bundle = path.join(dir, "lambda/index.js");
    const { size } = await stat(bundle);
    const probe = path.join(dir, "probe.js");
    await writeFile(probe, PROBE);
    const fixture = path.join(root, "test/fixtures/lambda/function-url-status-page.json");
    const config = JSON.stringify({ storage: { type: "local", dir: path.join(dir, "data") } });
    const env = {
      PATH: process.env.PATH,
      NODE_PATH: path.join(root, "node_modules"),
      OPSDECK_CONFIG: config,
      OPSDECK_LOG_LEVEL: "warn",
    };
    const samples: Array<{ initMs: number; firstInvokeMs: number }> = [];
    const sdkSamples: number[] = [];
    for (let i = 0; i < Number(args.runs); i++) {
      const { stdout } = await run(process.execPath, [probe, bundle, fixture], { env });
      samples.push(JSON.parse(stdout) as { initMs: number; firstInvokeMs: number });
      const alone = await run(process.execPath, ["-e", SDK_PROBE], { env, cwd: root });
      sdkSamples.push((JSON.parse(alone.stdout) as { sdkMs: number }).sdkMs);
    }
    const init = stats(samples.map((s) => s.initMs));
    const first = stats(samples.map((s) => s.firstInvokeMs));
    const sdk = stats(sdkSamples);
    const map = JSON.parse(await readFile(`${bundle}.map`, "utf8")) as { sources: string[] };
    const result = {
      bytes: size,
      modules: map.sources.length,
      runs: samples.length,
      initMs: init,
      awsSdkAloneMs: sdk,
      firstInvokeMs: first,
    };
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const fmt = (s: ReturnType<typeof stats>) =>
      `median ${s.median.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;
    console.log(
      `bundle: ${(size / 1024).toFixed(0)} KiB (${size} bytes, ${result.modules} modules) — target < 1 MB: ${size < 1024 * 1024 ? "met" : "NOT met"}`,
    );
    console.log(
      `module init over ${samples.length} cold processes: ${fmt(init)} — target < 150 ms: ${init.median < 150 ? "met" : "NOT met"}`,
    );
    console.log(
      `  of which the AWS SDK v3 modules (shipped by the Lambda runtime), loaded alone: ${fmt(sdk)}`,
    );
    console.log(`first invocation (config, store, /healthz): ${fmt(first)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
