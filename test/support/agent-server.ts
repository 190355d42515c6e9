import { chmod, mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";

/**
 * A stand-in for an agent server's surroundings in a temp folder: `bucket/` plays the S3 bucket and
 * `bin/aws` answers the only call the agent's scripts make, `aws s3 cp --quiet --region <r>
 * s3://<bucket>/<key> <file>`, from it. Prepend `bin` to PATH.
 */
export async function fakeBucket(root: string): Promise<{ bucket: string; bin: string }> {
  const bucket = path.join(root, "bucket");
  const bin = path.join(root, "bin");
  await mkdir(path.join(bucket, "artifacts", "agent"), { recursive: true });
  await mkdir(bin, { recursive: true });
  await writeFile(
    path.join(bin, "aws"),
    `#!/bin/bash\nset -e\nsrc="\${@: -2:1}"\ncp "${bucket}/\${src#s3://*/}" "\${@: -1}"\n`,
  );
  await chmod(path.join(bin, "aws"), 0o755);
  return { bucket, bin };
}

/** A script as the server has it, with its /opt/opsdeck and /etc/opsdeck moved under `root`. */
export function relocate(script: string, root: string): string {
  return script
    .replaceAll("/opt/opsdeck", path.join(root, "opt"))
    .replaceAll("/etc/opsdeck", path.join(root, "etc"));
}
