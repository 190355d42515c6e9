import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** docs/RUNTIME.md: `npm run build` bundles the CLI (and with it `opsdeck agent`) and packs it here. */
export const AGENT_BUNDLE_PATH = "dist/opsdeck-agent.tgz";

/** The agent bundle the stack uploads: its file and content hash. */
export interface AgentBundle {
  path: string;
  sha256: string;
}

/** The bundle has not been built; the message says how to build it. */
export class AgentBundleMissingError extends Error {
  override readonly name = "AgentBundleMissingError";
  constructor(
    readonly bundlePath: string,
    cause?: unknown,
  ) {
    super(
      `the agent bundle ${bundlePath} does not exist${cause === undefined ? "" : ` and building it failed (${(cause as Error).message ?? cause})`}: run \`npm run build\` first (the stack uploads it for the fleet), or set opsdeck:agent.enabled to false`,
      { cause },
    );
  }
}

/** Reads the built bundle's hash; throws AgentBundleMissingError when it has not been built. */
export function readAgentBundle(root: string, bundlePath: string = AGENT_BUNDLE_PATH): AgentBundle {
  const file = path.resolve(root, bundlePath);
  if (!existsSync(file)) throw new AgentBundleMissingError(bundlePath);
  // A bundle is about a MB; hashing it whole keeps the program synchronous, as Pulumi programs are.
  const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
  return { path: file, sha256 };
}

/** Builds the CLI bundle into `root` (what `npm run build -- cli` does). */
export type BundleBuilder = (root: string) => void;

/** Runs scripts/build.ts through the project's tsx, in-process with Pulumi's synchronous program. */
export const buildCliBundle: BundleBuilder = (root) => {
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  execFileSync(process.execPath, [tsx, path.join(root, "scripts", "build.ts"), "cli"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
};

/**
 * The bundle, built on demand when a fresh checkout runs `pulumi preview`/`up` before `npm run build`:
 * the build is what the deploy would need anyway, so failing on its absence is only friction.
 */
export function ensureAgentBundle(
  root: string,
  bundlePath: string = AGENT_BUNDLE_PATH,
  options: { build?: BundleBuilder; log?: (message: string) => void } = {},
): AgentBundle {
  // Only the default path is what the build writes; another path missing is the caller's to fix.
  if (existsSync(path.resolve(root, bundlePath)) || bundlePath !== AGENT_BUNDLE_PATH)
    return readAgentBundle(root, bundlePath);
  const build = options.build ?? buildCliBundle;
  options.log?.(`${bundlePath} is not built: building it now (npm run build -- cli)`);
  try {
    build(root);
  } catch (error) {
    throw new AgentBundleMissingError(bundlePath, error);
  }
  return readAgentBundle(root, bundlePath);
}
