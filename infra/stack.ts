import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackupBucket } from "./components/backup-bucket";
import { ContainerImage } from "./components/container-image";
import { DashboardService } from "./components/dashboard-service";
import { Fleet } from "./components/fleet";
import { FleetAgent } from "./components/fleet-agent";
import { KubernetesPods } from "./components/kubernetes-pods";
import { LoadBalancer } from "./components/load-balancer";
import type { StackConfig } from "./config";
import { AGENT_BUNDLE_PATH, AgentBundleMissingError } from "./lookups/agent-bundle";
import { al2023AmiLookup } from "./lookups/ami";
import { resolveNetwork } from "./lookups/network";
import { bucketStorage, deployedAppConfig, roleAppConfig } from "./rules/app-config";
import { imagePlatform } from "./rules/container-image";
import { podAppConfig } from "./rules/kubernetes-manifests";
import type { LbConfig } from "./rules/lb-config";
import { boundedName, namePrefix, S3_BUCKET_NAME_MAX_LENGTH } from "./rules/naming";
import { WEB_PORT } from "./rules/server-roles";
import { tagSet } from "./rules/tags";

/** What `pulumi stack output` shows for the stack. */
export interface StackOutputs {
  bucketName: pulumi.Output<string>;
  bucketArn: pulumi.Output<string>;
  /** Instance id by server name. */
  instanceIds: Record<string, pulumi.Output<string>>;
  /** Private IPv4 address by server name. */
  privateIps: Record<string, pulumi.Output<string>>;
  albDnsName: pulumi.Output<string>;
  albUrl: pulumi.Output<string>;
  lbConfig: pulumi.Output<LbConfig>;
  /** The dashboard's Function URL (undefined when the dashboard is off). */
  dashboardUrl: pulumi.Output<string> | undefined;
  dashboardFunctionName: pulumi.Output<string> | undefined;
  /** The `lambda` image the function runs, by digest. */
  dashboardImage: pulumi.Output<string> | undefined;
  /** The `server` image the Pods run. */
  serverImage: pulumi.Input<string> | undefined;
  /** The agent bundle's key in the bucket (undefined when the agent is off). */
  agentBundleKey: pulumi.Output<string> | undefined;
  /** Where the Pod manifests are rendered (render mode), relative to the repository root. */
  kubernetesManifests: string | undefined;
}

/** What the stack reads from outside the config: the built agent bundle. */
export interface StackInputs {
  /** The CLI bundle and its sha256 (an unknown output in the offline plan when it is not built). */
  agentBundle?: { path: string; sha256: pulumi.Input<string> };
}

/**
 * Builds the whole stack from validated config. A function rather than module-level code so tests and
 * the offline plan can build it once per scenario under Pulumi's mock runtime.
 */
export function createStack(config: StackConfig, inputs: StackInputs = {}): StackOutputs {
  const prefix = namePrefix(config.project, config.stack);
  const tags = tagSet({ project: config.project, stack: config.stack, owner: config.owner });
  const network = resolveNetwork(config.network);
  const region = aws.getRegionOutput().region;

  // Backups, heartbeats and check history.
  // The component's name is also the bucket's, so it must leave room for auto-naming within S3's limit.
  const backups = new BackupBucket(boundedName(prefix, "backups", S3_BUCKET_NAME_MAX_LENGTH), {
    settings: config.backupBucket,
    tags,
  });

  /** The app config as the processes receive it: the bucket as store (and, for agents, their host name). */
  const appConfigJson = (raw: Record<string, unknown>, host?: string) =>
    pulumi
      .all([backups.bucketName, region])
      .apply(([bucket, regionName]) =>
        JSON.stringify(deployedAppConfig(raw, { storage: bucketStorage(bucket, regionName), host })),
      );

  // The opsdeck agent: its bundle and per-server config in the bucket, installed on first boot.
  const agent = config.agent.enabled
    ? new FleetAgent(`${prefix}-agent`, {
        settings: config.agent,
        servers: config.servers,
        bundle: requireAgentBundle(inputs),
        bucket: { name: backups.bucketName, arn: backups.arn, kmsKeyArn: backups.kmsKeyArn },
        region,
        configJson: (server) => appConfigJson(roleAppConfig(config.app, server.role), server.name),
        alertWebhookUrl: config.alertWebhookUrl,
        namePrefix: prefix,
        tags,
      })
    : undefined;

  // The servers, each allowed to write only its own part of the bucket.
  const fleet = new Fleet(`${prefix}-fleet`, {
    servers: config.servers,
    settings: config.fleet,
    network,
    backupBucket: { arn: backups.arn, kmsKeyArn: backups.kmsKeyArn },
    latestAmi: al2023AmiLookup(),
    partition: aws.getPartitionOutput().partition,
    namePrefix: prefix,
    tags,
    extraUserData: agent === undefined ? undefined : (server) => agent.userDataFor(server),
  });
  agent?.grantAccess(fleet.servers);

  // Public entry point in front of the web servers.
  const lb = new LoadBalancer(`${prefix}-lb`, {
    settings: config.loadBalancer,
    vpcId: network.vpcId,
    subnetIds: network.subnetIds,
    targets: fleet.servers
      .filter((server) => server.role === "web")
      .map((server) => ({ name: server.name, instanceId: server.instanceId, privateIp: server.privateIp })),
    targetPort: WEB_PORT,
    targetSecurityGroupId: fleet.webSecurityGroupId,
    namePrefix: prefix,
    tags,
  });

  // The dashboard: a Lambda function from the `lambda` image, on a public URL and a checks schedule.
  const dashboard = config.dashboard.enabled
    ? createDashboard(config, {
        prefix,
        tags,
        region,
        appConfigJson: appConfigJson(config.app.shared),
        backupBucket: { arn: backups.arn, kmsKeyArn: backups.kmsKeyArn },
      })
    : undefined;

  // Pods running the `server` image, rendered as YAML or applied to a cluster.
  const serverImage = config.kubernetes.enabled
    ? (config.kubernetes.image ??
      new ContainerImage(`${prefix}-server`, {
        target: "server",
        // The Pods' nodes are assumed to match the function's architecture (both default to x86_64).
        platform: imagePlatform(config.dashboard.architecture),
        settings: config.images,
        tags,
      }).imageUri)
    : undefined;
  const pods =
    serverImage === undefined
      ? undefined
      : new KubernetesPods(`${prefix}-k8s`, {
          settings: config.kubernetes,
          project: config.project,
          stack: config.stack,
          logLevel: config.dashboard.logLevel,
          image: serverImage,
          // A volume-backed store does not wait for the bucket's name, so it stays known in a preview.
          appConfigJson:
            config.kubernetes.storage.type === "volume"
              ? pulumi.output(JSON.stringify(podAppConfig(config.app.shared, config.kubernetes.storage)))
              : pulumi.all([backups.bucketName, region]).apply(([name, regionName]) =>
                  JSON.stringify(
                    podAppConfig(config.app.shared, config.kubernetes.storage, {
                      name,
                      region: regionName,
                    }),
                  ),
                ),
        });

  return {
    bucketName: backups.bucketName,
    bucketArn: backups.arn,
    instanceIds: Object.fromEntries(fleet.servers.map((server) => [server.name, server.instanceId])),
    privateIps: Object.fromEntries(fleet.servers.map((server) => [server.name, server.privateIp])),
    albDnsName: lb.dnsName,
    albUrl: lb.url,
    lbConfig: lb.config,
    dashboardUrl: dashboard?.service.url,
    dashboardFunctionName: dashboard?.service.functionName,
    dashboardImage: dashboard?.imageUri,
    serverImage,
    agentBundleKey: agent?.bundleKey,
    kubernetesManifests: pods?.renderDirectory,
  };
}

function requireAgentBundle(inputs: StackInputs): NonNullable<StackInputs["agentBundle"]> {
  if (inputs.agentBundle === undefined) throw new AgentBundleMissingError(AGENT_BUNDLE_PATH);
  return inputs.agentBundle;
}

function createDashboard(
  config: StackConfig,
  context: {
    prefix: string;
    tags: ReturnType<typeof tagSet>;
    region: pulumi.Output<string>;
    appConfigJson: pulumi.Output<string>;
    backupBucket: { arn: pulumi.Output<string>; kmsKeyArn?: pulumi.Output<string> };
  },
): { service: DashboardService; imageUri: pulumi.Output<string> } {
  const image = new ContainerImage(`${context.prefix}-lambda`, {
    target: "lambda",
    platform: imagePlatform(config.dashboard.architecture),
    settings: config.images,
    tags: context.tags,
  });
  const service = new DashboardService(`${context.prefix}-dashboard`, {
    settings: config.dashboard,
    imageUri: image.imageUri,
    appConfigJson: context.appConfigJson,
    backupBucket: context.backupBucket,
    region: context.region,
    dashboardToken: config.dashboardToken,
    alertWebhookUrl: config.alertWebhookUrl,
    namePrefix: context.prefix,
    tags: context.tags,
  });
  return { service, imageUri: image.imageUri };
}
