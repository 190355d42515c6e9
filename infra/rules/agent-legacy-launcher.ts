/**
 * Keeps servers bootstrapped before the agent shipped as an archive running. Their first-boot steps
 * (user data never runs again on a running server) fetch `LEGACY_POINTER_KEY`, accept only a single
 * `artifacts/opsdeck-*.js` named there, install it as /opt/opsdeck/opsdeck.js and run
 * `node-22 /opt/opsdeck/opsdeck.js agent --config …` as the service user. The stack keeps that
 * contract by publishing this launcher as that one file: it fetches the release archive itself
 * (verified against its sha256, unpacked into the service's state directory, the only place its
 * sandbox may write) and runs the CLI from it with the same arguments.
 */
import { createHash } from "node:crypto";
import { agentBundleKey, legacyLauncherKey } from "./agent-artifacts";

/** The launcher for one release archive: its sha256 and key are written into it. */
function legacyLauncher(bundleSha256: string): string {
  const release = { sha256: bundleSha256, key: agentBundleKey(bundleSha256) };
  return LAUNCHER.replace("__RELEASE__", JSON.stringify(release));
}

/** The launcher, its key and the pointer naming it (for `LEGACY_POINTER_KEY`), as the stack uploads them. */
export function legacyLauncherObjects(bundleSha256: string): {
  key: string;
  content: string;
  pointer: string;
} {
  const content = legacyLauncher(bundleSha256);
  const sha256 = createHash("sha256").update(content).digest("hex");
  const key = legacyLauncherKey(sha256);
  return { key, content, pointer: `${sha256}  ${key}\n` };
}

/**
 * Plain CommonJS on Node's own modules (the server has nothing else of opsdeck's), `aws` and `tar`
 * from Amazon Linux. A failure exits 1 without touching an installed release; systemd retries.
 */
const LAUNCHER = `#!/usr/bin/env node
"use strict";
// opsdeck legacy launcher, written by the stack for servers bootstrapped before the agent shipped as
// an archive: fetches the release below into the service's state directory and runs its CLI.
const RELEASE = __RELEASE__;
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");

const releases = path.join(process.env.STATE_DIRECTORY || "/var/lib/opsdeck", "releases");
const release = path.join(releases, RELEASE.sha256);
const entry = path.join(release, "opsdeck.mjs");

function install() {
  const { OPSDECK_BUCKET: bucket, OPSDECK_REGION: region } = process.env;
  if (!bucket || !region) throw new Error("OPSDECK_BUCKET and OPSDECK_REGION must be set (/etc/opsdeck/agent.env)");
  const archive = release + ".tgz";
  const partial = release + ".partial";
  fs.mkdirSync(releases, { recursive: true });
  fs.rmSync(partial, { recursive: true, force: true });
  try {
    execFileSync("aws", ["s3", "cp", "--quiet", "--region", region, "s3://" + bucket + "/" + RELEASE.key, archive], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    const sha256 = createHash("sha256").update(fs.readFileSync(archive)).digest("hex");
    if (sha256 !== RELEASE.sha256) throw new Error(RELEASE.key + " does not match its sha256 " + RELEASE.sha256);
    fs.mkdirSync(partial);
    execFileSync("tar", ["-xzf", archive, "-C", partial, "--no-same-owner"], { stdio: ["ignore", "inherit", "inherit"] });
    if (!fs.existsSync(path.join(partial, "opsdeck.mjs"))) throw new Error(RELEASE.key + " holds no opsdeck.mjs");
    fs.renameSync(partial, release);
  } finally {
    fs.rmSync(archive, { force: true });
    fs.rmSync(partial, { recursive: true, force: true });
  }
  // Only this process runs a release here, and it is about to run the new one.
  for (const name of fs.readdirSync(releases)) {
    if (name !== RELEASE.sha256) fs.rmSync(path.join(releases, name), { recursive: true, force: true });
  }
}

try {
  if (!fs.existsSync(entry)) install();
} catch (error) {
  process.stderr.write("opsdeck: " + error.message + "\\n");
  process.exit(1);
}
import(pathToFileURL(entry).href);
`;
