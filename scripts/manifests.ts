/**
 * Writes a stack's Kubernetes manifests without the Pulumi CLI: the same YAML, in the same place, as the
 * stack's render-mode provider.
 *
 *   npm run manifests -- [--stack dev] [--image <ref>] [--bucket <name>] [--region <region>] [--out <dir>] [--check]
 */
import * as path from "node:path";
import { Command } from "commander";
import { ValidationError } from "../app/lib/validation";
import { ManifestsInputError, stackManifests, staleManifests, writeManifests } from "../k8s/stack-manifests";

async function main(argv: string[]): Promise<number> {
  const options = new Command("manifests")
    .description("Render a stack's Kubernetes manifests (k8s/pods.ts) as YAML")
    .option("--stack <name>", "the stack whose Pulumi.<stack>.yaml to read", "dev")
    .option("--image <reference>", "the server image (default: the stack's kubernetes.image)")
    .option("--bucket <name>", "the backup bucket, for bucket storage (pulumi stack output bucketName)")
    .option("--region <region>", "the bucket's region (default: the stack's aws:region)")
    .option("--out <dir>", "where to write (default: the stack's kubernetes.renderDirectory)")
    .option("--check", "write nothing; fail when the files on disk differ from what the stack renders")
    .parse(argv)
    .opts<{
      stack: string;
      image?: string;
      bucket?: string;
      region?: string;
      out?: string;
      check?: boolean;
    }>();

  const { files, renderDirectory } = stackManifests(options);
  const directory = options.out === undefined ? renderDirectory : path.resolve(options.out);
  const shown = path.relative(process.cwd(), directory) || ".";
  if (options.check) {
    const stale = await staleManifests(files, directory);
    if (stale.length === 0) {
      console.log(`manifests in ${shown} are up to date (${files.length} files)`);
      return 0;
    }
    console.error(`manifests in ${shown} differ from the stack: ${stale.join(", ")}; run npm run manifests`);
    return 1;
  }
  await writeManifests(files, directory);
  for (const file of files) console.log(`wrote ${path.join(shown, file.path)}`);
  return 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof ManifestsInputError || error instanceof ValidationError;
    console.error(
      `manifests: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : error}`,
    );
    process.exitCode = 2;
  },
);
