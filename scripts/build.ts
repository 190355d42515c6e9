/**
 * Bundles the runnable entry points with esbuild into dist/: one self-contained CommonJS file each,
 * for the Lambda image, the server image (dashboard + agent) and the `opsdeck` CLI/agent on the fleet.
 *
 *   npm run build            all bundles
 *   npm run build -- lambda  only the named ones
 */

import { existsSync } from "node:fs";
import * as path from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";

interface Bundle {
  entry: string;
  outfile: string;
  /** Worker-thread entries loaded from beside the bundle at run time (see app/logs/worker-pool.ts). */
  workers?: string[];
  /** Packages the runtime already provides (the Lambda Node.js 22 image ships AWS SDK v3). */
  external?: string[];
  plugins?: Plugin[];
}

/**
 * Keeps the Lambda bundle under its 1 MB budget by not shipping code that cannot run there:
 * - zod's classic API re-exports every locale as a namespace object, which defeats tree shaking;
 *   opsdeck uses only the English messages zod installs by default (~250 KB saved);
 * - the check runner imports only undici's `Agent` (for custom CAs and `insecure`), but undici's
 *   index pulls in fetch, WebSocket, cache and mocks as CommonJS that cannot be tree-shaken.
 * test/lambda/bundle.test.ts runs a checks round through the built bundle to prove both still work.
 */
export const leanLambdaPlugin: Plugin = {
  name: "opsdeck-lean-lambda",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: path.resolve(args.resolveDir, args.path), namespace: "zod-locales-en" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales-en" }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: path.dirname(args.path),
      loader: "js",
    }));
    b.onResolve({ filter: /^undici$/ }, () => ({ path: "undici", namespace: "undici-agent" }));
    b.onLoad({ filter: /.*/, namespace: "undici-agent" }, () => ({
      contents: 'export { default as Agent } from "undici/lib/dispatcher/agent.js";\n',
      resolveDir: root,
      loader: "js",
    }));
  },
};

const LOG_SCAN_WORKER = "app/logs/scan-worker.ts";

export const bundles: Record<string, Bundle> = {
  lambda: {
    entry: "lambda/handler.ts",
    outfile: "dist/lambda/index.js",
    // The Kubernetes client (~3.5 MB) stays out: a kubernetes check run here is down, saying so
    // (app/checks/kubernetes-client.ts); cluster checks belong to the server or agent.
    external: ["@aws-sdk/*", "@kubernetes/client-node"],
    plugins: [leanLambdaPlugin],
  },
  server: { entry: "dashboard/main.ts", outfile: "dist/server/index.js", workers: [LOG_SCAN_WORKER] },
  cli: {
    entry: "app/cli/main.ts",
    outfile: "dist/cli/opsdeck.js",
    workers: [LOG_SCAN_WORKER],
    // `opsdeck validate` reaches infra/config.ts, which loads the SDK only to deploy; the CLI never does.
    external: ["@pulumi/*"],
  },
};

const root = path.resolve(__dirname, "..");

export interface BuildBundlesOptions {
  /** Write under this directory instead of dist/ (tests build into temp dirs), same layout. */
  outDir?: string;
}

export async function buildBundles(
  names: string[] = Object.keys(bundles),
  options: BuildBundlesOptions = {},
): Promise<void> {
  for (const name of names) {
    const bundle = bundles[name];
    if (!bundle) throw new Error(`unknown bundle "${name}" (known: ${Object.keys(bundles).join(", ")})`);
    const entry = path.join(root, bundle.entry);
    if (!existsSync(entry)) throw new Error(`bundle "${name}": entry ${bundle.entry} does not exist`);
    const buildOptions: BuildOptions = {
      entryPoints: [entry],
      outfile: options.outDir
        ? path.join(options.outDir, path.relative("dist", bundle.outfile))
        : path.join(root, bundle.outfile),
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      minify: true,
      sourcemap: "linked",
      legalComments: "linked",
      external: bundle.external ?? [],
      plugins: bundle.plugins ?? [],
      logLevel: "warning",
      metafile: false,
    };
    await build(buildOptions);
    for (const worker of bundle.workers ?? []) {
      const outfile = path.join(
        path.dirname(buildOptions.outfile as string),
        `${path.basename(worker, ".ts")}.js`,
      );
      await build({ ...buildOptions, entryPoints: [path.join(root, worker)], outfile });
    }
  }
}

if (require.main === module) {
  const names = process.argv.slice(2);
  buildBundles(names.length > 0 ? names : undefined).catch((error: unknown) => {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
