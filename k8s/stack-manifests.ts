/**
 * The manifests a stack's config describes, rendered without the Pulumi CLI (`npm run manifests`): the
 * same builder and the same file layout as the stack's Kubernetes provider. Values that exist only after
 * deployment (the ECR image, the bucket's name) come from flags.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { type ConfigSource, loadConfig } from "../infra/config";
import { secretStandIns } from "../infra/plan/secret-stand-ins";
import { REPO_ROOT, readStackConfig } from "../infra/plan/stack-files";
import { manifestsInput, podAppConfig } from "../infra/rules/kubernetes-manifests";
import { buildManifests } from "./pods";
import { type RenderedFile, renderManifests } from "./render";

/** A value the manifests need is neither in the stack config nor given; the message says how to give it. */
export class ManifestsInputError extends Error {
  override readonly name = "ManifestsInputError";
}

export interface StackManifestsOptions {
  stack: string;
  /** The `server` image; defaults to the stack's `kubernetes.image`. */
  image?: string;
  /** The backup bucket's name, for bucket storage (`pulumi stack output bucketName`). */
  bucket?: string;
  /** The bucket's region; defaults to the stack's `aws:region`. */
  region?: string;
  root?: string;
}

export function stackManifests(options: StackManifestsOptions): {
  files: RenderedFile[];
  renderDirectory: string;
} {
  const root = options.root ?? REPO_ROOT;
  const secrets = secretStandIns();
  const { config: raw, secretKeys } = readStackConfig(options.stack, { root, secrets: secrets.standIn });
  const source: ConfigSource = {
    project: "opsdeck",
    stack: options.stack,
    get: (key) => {
      const value = raw[`opsdeck:${key}`];
      return value === undefined || typeof value === "string" ? value : JSON.stringify(value);
    },
    isSecret: (key) => secretKeys.includes(`opsdeck:${key}`),
  };
  const config = loadConfig(source);
  const { kubernetes } = config;
  if (!kubernetes.enabled)
    throw new ManifestsInputError(
      `Pulumi.${options.stack}.yaml does not enable Pods (opsdeck:kubernetes.enabled)`,
    );

  const image = options.image ?? kubernetes.image;
  if (image === undefined)
    throw new ManifestsInputError(
      "the stack builds the server image into ECR when it deploys: pass --image <reference> (e.g. the `serverImage` stack output)",
    );
  const region = options.region ?? (raw["aws:region"] as string | undefined);
  let appConfig: Record<string, unknown>;
  if (kubernetes.storage.type === "bucket") {
    if (options.bucket === undefined)
      throw new ManifestsInputError(
        "the Pods store in the backup bucket, whose name exists after `pulumi up`: pass --bucket <name> (the `bucketName` stack output), or set opsdeck:kubernetes.storage to {type: volume}",
      );
    appConfig = podAppConfig(config.app.shared, kubernetes.storage, { name: options.bucket, region });
  } else {
    appConfig = podAppConfig(config.app.shared, kubernetes.storage);
  }

  const manifests = buildManifests(
    manifestsInput(
      { project: config.project, stack: config.stack, kubernetes, logLevel: config.dashboard.logLevel },
      { image, appConfigJson: JSON.stringify(appConfig) },
    ),
  );
  return { files: renderManifests(manifests), renderDirectory: path.join(root, kubernetes.renderDirectory) };
}

/** Writes the files, and removes manifests in the directory that the stack no longer renders. */
export async function writeManifests(files: readonly RenderedFile[], directory: string): Promise<void> {
  const manifestDir = path.join(directory, "1-manifest");
  await mkdir(manifestDir, { recursive: true });
  const wanted = new Set(files.map((file) => path.join(directory, file.path)));
  for (const entry of await readdir(manifestDir)) {
    const file = path.join(manifestDir, entry);
    if (entry.endsWith(".yaml") && !wanted.has(file)) await rm(file);
  }
  for (const file of files) await writeFile(path.join(directory, file.path), file.content);
}

/** The object a YAML file holds, or undefined when it is missing or not YAML. */
async function readManifest(file: string): Promise<unknown> {
  try {
    return parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The files whose objects on disk differ from what the stack renders (or that are missing or stale).
 * Objects are compared, not bytes: the provider's Go YAML writer formats the same object differently
 * (sequence indentation, quoting), and a `pulumi up` in render mode must not make `--check` fail.
 */
export async function staleManifests(files: readonly RenderedFile[], directory: string): Promise<string[]> {
  const stale: string[] = [];
  for (const file of files) {
    const current = await readManifest(path.join(directory, file.path));
    if (current === undefined || !isDeepStrictEqual(current, parse(file.content))) stale.push(file.path);
  }
  const rendered = new Set(files.map((file) => file.path));
  const existing = await readdir(path.join(directory, "1-manifest")).catch(() => [] as string[]);
  for (const entry of existing)
    if (entry.endsWith(".yaml") && !rendered.has(`1-manifest/${entry}`)) stale.push(`1-manifest/${entry}`);
  return stale;
}
