/**
 * Bundles the runnable entry points with esbuild into dist/: a self-contained CommonJS file each for
 * the Lambda image and the server image (dashboard + agent), and for the `opsdeck` CLI/agent an ES
 * module split into chunks, packed into the archive the stack ships to the fleet.
 *
 *   npm run build            all bundles
 *   npm run build -- lambda  only the named ones
 */

import { existsSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import * as path from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { create as createTar } from "tar";

interface Bundle {
  entry: string;
  outfile: string;
  /** Worker-thread entries loaded from beside the bundle at run time (see app/logs/worker-pool.ts). */
  workers?: string[];
  /** Packages the runtime already provides (the Lambda Node.js 22 image ships AWS SDK v3). */
  external?: string[];
  plugins?: Plugin[];
  /**
   * An ES module (`.mjs`) whose dynamic imports become chunks beside it, each parsed only when a
   * run imports it. Parsing is most of a CLI run's memory: V8 holds ~7 MiB per MB of script it
   * compiles, and one file with every command in it is 6 MB (the Kubernetes client alone is 3).
   */
  split?: boolean;
  /** Packs the bundle's folder (code, workers, licences; no source maps) into this .tgz. */
  archive?: string;
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
    outfile: "dist/cli/opsdeck.mjs",
    workers: [LOG_SCAN_WORKER],
    // `opsdeck validate` reaches infra/config.ts, which loads the SDK only to deploy; the CLI never does.
    external: ["@pulumi/*"],
    split: true,
    archive: "dist/opsdeck-agent.tgz",
  },
};

/**
 * CommonJS packages bundled into an ES module still call require() and read __dirname; Node's ES
 * modules have neither, so every output file gets them from its own URL (esbuild's documented
 * workaround, evanw/esbuild#1921).
 */
const COMMONJS_GLOBALS = [
  'import { createRequire as __opsdeckRequire } from "node:module";',
  'import { fileURLToPath as __opsdeckPath } from "node:url";',
  "const require = __opsdeckRequire(import.meta.url);",
  "const __filename = __opsdeckPath(import.meta.url);",
  'const __dirname = __opsdeckPath(new URL(".", import.meta.url));',
].join("\n");

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
    const inDist = (file: string) =>
      options.outDir ? path.join(options.outDir, path.relative("dist", file)) : path.join(root, file);
    const outfile = inDist(bundle.outfile);
    const outdir = path.dirname(outfile);
    const common: BuildOptions = {
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
    if (bundle.split) {
      // Chunk names change with their content: stale ones from an earlier build must not ship.
      await rm(outdir, { recursive: true, force: true });
      await build({
        ...common,
        entryPoints: { [path.basename(outfile, ".mjs")]: entry },
        outdir,
        format: "esm",
        splitting: true,
        outExtension: { ".js": ".mjs" },
        banner: { js: COMMONJS_GLOBALS },
      });
    } else {
      await build({ ...common, entryPoints: [entry], outfile });
    }
    for (const worker of bundle.workers ?? []) {
      const workerFile = path.join(outdir, `${path.basename(worker, ".ts")}.js`);
      await build({ ...common, entryPoints: [path.join(root, worker)], outfile: workerFile });
    }
    if (bundle.archive) await packFolder(outdir, inDist(bundle.archive));
  }
}

/**
 * The folder's files (source maps left out) as a .tgz that is the same bytes for the same build:
 * sorted, with no owners and one fixed mtime, so its sha256 (the fleet's artifact key) changes only
 * when the code does.
 */
export async function packFolder(dir: string, file: string): Promise<void> {
  const files = (await readdir(dir)).filter((name) => !name.endsWith(".map")).sort();
  await createTar({ file, cwd: dir, gzip: true, portable: true, mtime: new Date(0) }, files);
}

if (require.main === module) {
  const names = process.argv.slice(2);
  buildBundles(names.length > 0 ? names : undefined).catch((error: unknown) => {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
