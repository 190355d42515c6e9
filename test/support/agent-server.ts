import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { agentConfigKey } from "../../infra/rules/agent-artifacts";
import { packFolder } from "../../scripts/build";

/**
 * A stand-in for an agent server's surroundings in a temp folder, for running its scripts for real:
 * `bucket/` plays the S3 bucket (holding web01's config) and `bin/aws` answers the only call the
 * scripts make, `aws s3 cp --quiet --region <r> s3://<bucket>/<key> <file>`, from it.
 */
export interface AgentServerHome {
  root: string;
  bucket: string;
  /** Runs a script with bash in the environment the service's env file gives it, plus `extraEnv`. */
  bash(script: string): { status: number | null; stderr: string };
}

export async function agentServerHome(
  root: string,
  pointerKey: string,
  extraEnv: Record<string, string> = {},
): Promise<AgentServerHome> {
  const bucket = path.join(root, "bucket");
  const bin = path.join(root, "bin");
  await mkdir(path.join(bucket, "artifacts", "agent"), { recursive: true });
  await mkdir(bin, { recursive: true });
  await writeFile(
    path.join(bin, "aws"),
    `#!/bin/bash\nset -e\nsrc="\${@: -2:1}"\ncp "${bucket}/\${src#s3://*/}" "\${@: -1}"\n`,
  );
  await chmod(path.join(bin, "aws"), 0o755);
  await writeFile(path.join(bucket, agentConfigKey("web01")), '{"hosts":{"name":"web01"}}\n');
  const env = {
    HOME: root,
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    OPSDECK_BUCKET: "opsdeck-test",
    OPSDECK_REGION: "eu-west-1",
    OPSDECK_POINTER_KEY: pointerKey,
    OPSDECK_CONFIG_KEY: agentConfigKey("web01"),
    ...extraEnv,
  };
  return {
    root,
    bucket,
    bash: (script) => {
      // stdin not a socket: bash would otherwise read ~/.bashrc as if started by sshd.
      const result = spawnSync("bash", ["-c", script], {
        env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      return { status: result.status, stderr: result.stderr };
    },
  };
}

/** A script as the server has it, with its /opt/opsdeck and /etc/opsdeck moved under `root`. */
export function relocate(script: string, root: string): string {
  return script
    .replaceAll("/opt/opsdeck", path.join(root, "opt"))
    .replaceAll("/etc/opsdeck", path.join(root, "etc"));
}

/** Packs files into an archive as the build packs the CLI folder; its bytes and their sha256. */
export async function packBundle(files: Record<string, string>): Promise<{ bytes: Buffer; sha256: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-bundle-"));
  try {
    await mkdir(path.join(dir, "folder"));
    for (const [name, content] of Object.entries(files))
      await writeFile(path.join(dir, "folder", name), content);
    await packFolder(path.join(dir, "folder"), path.join(dir, "opsdeck-agent.tgz"));
    const bytes = await readFile(path.join(dir, "opsdeck-agent.tgz"));
    return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
