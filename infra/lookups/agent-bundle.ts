import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** docs/RUNTIME.md: `npm run build` bundles the CLI (and with it `opsdeck agent`) here. */
export const AGENT_BUNDLE_PATH = "dist/cli/opsdeck.js";

/** The agent bundle the stack uploads: its file and content hash. */
export interface AgentBundle {
  path: string;
  sha256: string;
}

/** The bundle has not been built; the message says how to build it. */
export class AgentBundleMissingError extends Error {
  override readonly name = "AgentBundleMissingError";
  constructor(readonly bundlePath: string) {
    super(
      `the agent bundle ${bundlePath} does not exist: run \`npm run build\` first (the stack uploads it for the fleet), or set opsdeck:agent.enabled to false`,
    );
  }
}

/** Reads the built bundle's hash; throws AgentBundleMissingError when it has not been built. */
export function readAgentBundle(root: string, bundlePath: string = AGENT_BUNDLE_PATH): AgentBundle {
  const file = path.resolve(root, bundlePath);
  if (!existsSync(file)) throw new AgentBundleMissingError(bundlePath);
  // A bundle is a few MB; hashing it whole keeps the program synchronous, as Pulumi programs are.
  const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
  return { path: file, sha256 };
}
