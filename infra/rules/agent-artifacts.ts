/**
 * Where the stack puts what the agent needs in the backup bucket, and what a server may read of it.
 * Everything lives under `artifacts/`, which no agent can write (instance roles write only
 * `backups/<server>/` and `hosts/<server>.*`).
 */
import type { PolicyDocument, PolicyStatement } from "./policy-document";

/**
 * The bundled CLI (its folder packed into a .tgz), named by its content (docs/RUNTIME.md), so a new
 * build is a new object.
 */
export function agentBundleKey(sha256: string): string {
  return contentKey(sha256, "tgz");
}

/** Names the bundle in use, in `sha256sum` format (`<sha256>  <key>`), so a server can verify what it fetched. */
export const AGENT_POINTER_KEY = "artifacts/agent/release.sha256";

export function agentPointer(sha256: string): string {
  return `${sha256}  ${agentBundleKey(sha256)}\n`;
}

/**
 * What servers bootstrapped before the bundle became an archive read: this pointer, naming one
 * `artifacts/opsdeck-<sha16>.js` (agent-legacy-launcher.ts).
 */
export const LEGACY_POINTER_KEY = "artifacts/agent/current.sha256";

export function legacyLauncherKey(sha256: string): string {
  return contentKey(sha256, "js");
}

function contentKey(sha256: string, extension: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`expected a sha256 hex digest, got "${sha256}"`);
  return `artifacts/opsdeck-${sha256.slice(0, 16)}.${extension}`;
}

/** One server's app config (storage, host name, its role's sections). */
export function agentConfigKey(server: string): string {
  return `artifacts/agent/${server}.json`;
}

export interface AgentReadPolicyInput {
  bucketArn: string;
  server: string;
  /** The SecureString parameter holding the alert webhook, when one is configured. */
  webhookParameterArn?: string;
}

/**
 * What a server's agent reads besides its own prefixes: the bundles, the pointer, its own config, the
 * webhook; and the legacy launcher and its pointer, for servers bootstrapped before the archive.
 */
export function agentReadPolicyDocument({
  bucketArn,
  server,
  webhookParameterArn,
}: AgentReadPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "ReadAgentArtifacts",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: [
        `${bucketArn}/artifacts/opsdeck-*.tgz`,
        `${bucketArn}/${AGENT_POINTER_KEY}`,
        `${bucketArn}/artifacts/opsdeck-*.js`,
        `${bucketArn}/${LEGACY_POINTER_KEY}`,
        `${bucketArn}/${agentConfigKey(server)}`,
      ],
    },
  ];
  if (webhookParameterArn !== undefined)
    statements.push({
      Sid: "ReadAlertWebhook",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: webhookParameterArn,
    });
  return { Version: "2012-10-17", Statement: statements };
}
