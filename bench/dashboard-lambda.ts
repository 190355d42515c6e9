/**
 * Lambda benchmark (`npm run bench:dashboard-lambda`; part of `npm run bench`): the bundle's size
 * and module initialisation time, plus the first invocation.
 *
 *   npm run bench:dashboard-lambda                  # 15 cold starts
 *   npm run bench:dashboard-lambda -- --runs 5 --json
 *
 * Targets: bundle < 1 MB, module initialisation < 150 ms in Node. Each run is a fresh Node process
 * that `require`s the bundle the way the Lambda runtime does; @aws-sdk/* (left out of the bundle
 * because the Lambda image ships it) resolves from this repository's node_modules, so its load time
 * is included. "First invoke" adds what the first request pays on top: loading the config, opening
 * the store and answering /healthz.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";
import { buildBundles } from "../scripts/build";
import { numberFlags, printSuite, runMain } from "./lib/cli";
import { type SuiteReport, target } from "./lib/report";
import { fixed, grouped, median, quantile } from "./lib/stats";

const run = promisify(execFile);
const root = path.resolve(__dirname, "..");

export const LAMBDA_TARGETS = { bundleBytes: 1_000_000, initMs: 150 } as const;

export interface LambdaBenchOptions {
  runs: number;
  log?: (line: string) => void;
}

export function lambdaDefaults(quick: boolean): LambdaBenchOptions {
  return { runs: quick ? 5 : 15 };
}

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

interface Spread {
  median: number;
  p90: number;
  min: number;
  max: number;
}

function spread(values: number[]): Spread {
  return {
    median: median(values),
    p90: quantile(values, 0.9),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

export async function runLambdaBench(options: LambdaBenchOptions): Promise<SuiteReport> {
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
    for (let i = 0; i < options.runs; i++) {
      const { stdout } = await run(process.execPath, [probe, bundle, fixture], { env });
      samples.push(JSON.parse(stdout) as { initMs: number; firstInvokeMs: number });
      const alone = await run(process.execPath, ["-e", SDK_PROBE], { env, cwd: root });
      sdkSamples.push((JSON.parse(alone.stdout) as { sdkMs: number }).sdkMs);
    }
    options.log?.(`lambda: ${options.runs} cold starts measured`);
    const init = spread(samples.map((s) => s.initMs));
    const first = spread(samples.map((s) => s.firstInvokeMs));
    const sdk = spread(sdkSamples);
    const map = JSON.parse(await readFile(`${bundle}.map`, "utf8")) as { sources: string[] };
    const row = (name: string, s: Spread) => [
      name,
      fixed(s.median, 1),
      fixed(s.p90, 1),
      fixed(s.min, 1),
      fixed(s.max, 1),
    ];
    return {
      id: "lambda",
      title: "Lambda bundle: size and module initialisation",
      input: `The Lambda bundle built by scripts/build.ts (as \`npm run build -- lambda\`), ${grouped(size)} bytes from ${map.sources.length} modules; ${options.runs} fresh Node processes each \`require\` it as the Lambda runtime does (the AWS SDK v3, shipped by the Lambda runtime, resolves from node_modules and is included), then invoke /healthz once.`,
      commands: [
        "npm run build -- lambda",
        "node probe.js dist/lambda/index.js test/fixtures/lambda/function-url-status-page.json   # probe: see bench/dashboard-lambda.ts",
      ],
      tables: [
        {
          columns: ["measurement", "median ms", "p90 ms", "min ms", "max ms"],
          numeric: [1, 2, 3, 4],
          rows: [
            row("module init (bundle + AWS SDK)", init),
            row("of which the AWS SDK v3 modules alone", sdk),
            row("first invocation (config, store, /healthz)", first),
          ],
        },
      ],
      targets: [
        target(
          "Lambda bundle size",
          "< 1 MB",
          `${fixed(size / 1e6, 2)} MB (${grouped(size)} bytes)`,
          size < LAMBDA_TARGETS.bundleBytes,
        ),
        target(
          "Lambda module init",
          `< ${LAMBDA_TARGETS.initMs} ms`,
          `${fixed(init.median, 1)} ms median (p90 ${fixed(init.p90, 1)})`,
          init.median < LAMBDA_TARGETS.initMs,
        ),
      ],
      skipped: [],
      notes: [],
      data: {
        bytes: size,
        modules: map.sources.length,
        runs: samples.length,
        initMs: init,
        awsSdkAloneMs: sdk,
        firstInvokeMs: first,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string" },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const report = await runLambdaBench({
    ...lambdaDefaults(values.quick),
    ...numberFlags(values, { runs: "positive" }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printSuite(report, values.json);
}

if (require.main === module) runMain(main);
