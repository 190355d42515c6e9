/**
 * Bundles the runnable entry points with esbuild into dist/: one self-contained CommonJS file each,
 * for the Lambda image, the server image (dashboard + agent) and the `opsdeck` CLI/agent on the fleet.
 *
 *   npm run build            all bundles
 *   npm run build -- lambda  only the named ones
 */

import { existsSync } from "node:fs";
import * as path from "node:path";
import { type BuildOptions, build } from "esbuild";

interface Bundle {
  entry: string;
  outfile: string;
  /** Packages the runtime already provides (the Lambda Node.js 22 image ships AWS SDK v3). */
  external?: string[];
}

export const bundles: Record<string, Bundle> = {
  lambda: { entry: "lambda/handler.ts", outfile: "dist/lambda/index.js" },
  server: { entry: "dashboard/main.ts", outfile: "dist/server/index.js" },
  cli: { entry: "app/cli/main.ts", outfile: "dist/cli/opsdeck.js" },
};

const root = path.resolve(__dirname, "..");

export async function buildBundles(names: string[] = Object.keys(bundles)): Promise<void> {
  for (const name of names) {
    const bundle = bundles[name];
    if (!bundle) throw new Error(`unknown bundle "${name}" (known: ${Object.keys(bundles).join(", ")})`);
    const entry = path.join(root, bundle.entry);
    if (!existsSync(entry)) throw new Error(`bundle "${name}": entry ${bundle.entry} does not exist`);
    const options: BuildOptions = {
      entryPoints: [entry],
      outfile: path.join(root, bundle.outfile),
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      minify: true,
      sourcemap: "linked",
      legalComments: "linked",
      external: bundle.external ?? [],
      logLevel: "warning",
      metafile: false,
    };
    await build(options);
  }
}

if (require.main === module) {
  const names = process.argv.slice(2);
  buildBundles(names.length > 0 ? names : undefined).catch((error: unknown) => {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
