import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AgentConfig, ServerConfig } from "../config";
import {
  AGENT_POINTER_KEY,
  agentBundleKey,
  agentConfigKey,
  agentPointer,
  agentReadPolicyDocument,
  LEGACY_POINTER_KEY,
} from "../rules/agent-artifacts";
import { agentBootstrapSteps } from "../rules/agent-bootstrap";
import { legacyLauncherObjects } from "../rules/agent-legacy-launcher";
import type { Tags } from "../rules/tags";
import type { FleetServer } from "./fleet";

export interface FleetAgentArgs {
  settings: AgentConfig;
  servers: readonly ServerConfig[];
  /** The built CLI bundle: its file, and its sha256 (unknown in the offline plan when not built). */
  bundle: { path: string; sha256: pulumi.Input<string> };
  bucket: { name: pulumi.Input<string>; arn: pulumi.Input<string>; kmsKeyArn?: pulumi.Input<string> };
  region: pulumi.Input<string>;
  /** Each server's app config (storage and host name included), as JSON text. */
  configJson: (server: ServerConfig) => pulumi.Input<string>;
  alertWebhookUrl?: pulumi.Input<string>;
  /** Base for names (`opsdeck-dev`). */
  namePrefix: string;
  tags: Tags;
}

/**
 * The opsdeck agent on the fleet: the bundled CLI and each server's config uploaded to the bucket, the
 * alert webhook as an SSM SecureString, the first-boot steps that install the systemd service, and
 * read access for each server to exactly its own artifacts.
 */
export class FleetAgent extends pulumi.ComponentResource {
  /** The SecureString holding the alert webhook, when one is configured. */
  public readonly webhookParameterName: string | undefined;
  public readonly bundleKey: pulumi.Output<string>;

  private readonly name: string;
  private readonly args: FleetAgentArgs;
  private readonly webhookParameter: aws.ssm.Parameter | undefined;

  constructor(name: string, args: FleetAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("opsdeck:compute:FleetAgent", name, {}, opts);
    this.name = name;
    this.args = args;

    const bundle = this.uploadBundle(name);
    for (const server of args.servers) this.uploadConfig(name, server);
    this.webhookParameterName =
      args.alertWebhookUrl === undefined ? undefined : `/${args.namePrefix}/alert-webhook-url`;
    this.webhookParameter = this.storeWebhook(name);

    this.bundleKey = bundle.key;
    this.registerOutputs({ bundleKey: this.bundleKey });
  }

  /** First-boot steps for one server (for the fleet's `extraUserData`). */
  userDataFor(server: ServerConfig): pulumi.Output<string[]> {
    return pulumi.all([this.args.bucket.name, this.args.region]).apply(([bucketName, region]) =>
      agentBootstrapSteps({
        server: server.name,
        bucketName,
        region,
        webhookParameterName: this.webhookParameterName,
        logLevel: this.args.settings.logLevel,
        refreshMinutes: this.args.settings.refreshMinutes,
      }),
    );
  }

  /** Lets each server read its own artifacts (and the webhook), on top of its own bucket prefixes. */
  grantAccess(servers: readonly FleetServer[]): void {
    const parameterArn = this.webhookParameter?.arn;
    for (const server of servers) {
      new aws.iam.RolePolicy(
        `${this.name}-${server.name}-read`,
        {
          role: server.roleName,
          policy: pulumi
            .all([this.args.bucket.arn, parameterArn])
            .apply(([bucketArn, webhookParameterArn]) =>
              JSON.stringify(
                agentReadPolicyDocument({ bucketArn, server: server.name, webhookParameterArn }),
              ),
            ),
        },
        { parent: this },
      );
    }
  }

  private uploadBundle(name: string): aws.s3.BucketObjectv2 {
    const { bundle } = this.args;
    const object = this.uploadArtifact(`${name}-bundle`, {
      key: pulumi.output(bundle.sha256).apply(agentBundleKey),
      source: new pulumi.asset.FileAsset(bundle.path),
      contentType: "application/gzip",
    });
    // A pointer names the bundle in use; written after the bundle so it never names a missing object.
    this.uploadArtifact(
      `${name}-release-pointer`,
      {
        key: AGENT_POINTER_KEY,
        content: pulumi.output(bundle.sha256).apply(agentPointer),
        contentType: "text/plain",
      },
      [object],
    );
    // Servers bootstrapped before the archive: the launcher that runs it, under the pointer they read.
    // This resource has owned that key since the first agent, so updating it never deletes the object.
    const legacy = pulumi.output(bundle.sha256).apply(legacyLauncherObjects);
    const launcher = this.uploadArtifact(
      `${name}-legacy-launcher`,
      { key: legacy.key, content: legacy.content, contentType: "text/javascript" },
      [object],
    );
    this.uploadArtifact(
      `${name}-pointer`,
      { key: LEGACY_POINTER_KEY, content: legacy.pointer, contentType: "text/plain" },
      [launcher],
    );
    return object;
  }

  private uploadArtifact(
    name: string,
    args: Pick<aws.s3.BucketObjectv2Args, "key" | "source" | "content" | "contentType">,
    dependsOn: pulumi.Resource[] = [],
  ): aws.s3.BucketObjectv2 {
    return new aws.s3.BucketObjectv2(
      name,
      {
        ...args,
        bucket: this.args.bucket.name,
        // Buckets with Object Lock accept uploads only with a checksum.
        checksumAlgorithm: "SHA256",
        tags: this.args.tags,
      },
      { parent: this, dependsOn },
    );
  }

  private uploadConfig(name: string, server: ServerConfig): void {
    this.uploadArtifact(`${name}-${server.name}-config`, {
      key: agentConfigKey(server.name),
      content: this.args.configJson(server),
      contentType: "application/json",
    });
  }

  private storeWebhook(name: string): aws.ssm.Parameter | undefined {
    const { alertWebhookUrl } = this.args;
    if (alertWebhookUrl === undefined || this.webhookParameterName === undefined) return undefined;
    return new aws.ssm.Parameter(
      `${name}-webhook`,
      {
        name: this.webhookParameterName,
        description: "opsdeck alert webhook, read by the agent at start",
        type: "SecureString",
        value: pulumi.secret(alertWebhookUrl),
        // The bucket's own key when it has one (auditable, revocable); otherwise AWS's aws/ssm key.
        keyId: this.args.bucket.kmsKeyArn,
        tags: this.args.tags,
      },
      { parent: this },
    );
  }
}
