import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { BackupBucket } from "./components/backup-bucket";
import { Fleet } from "./components/fleet";
import { LoadBalancer } from "./components/load-balancer";
import type { StackConfig } from "./config";
import { al2023AmiLookup } from "./lookups/ami";
import { resolveNetwork } from "./lookups/network";
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
}

/**
 * Builds the whole stack from validated config. A function rather than module-level code so tests and
 * the offline plan can build it once per scenario under Pulumi's mock runtime.
 */
export function createStack(config: StackConfig): StackOutputs {
  const prefix = namePrefix(config.project, config.stack);
  const tags = tagSet({ project: config.project, stack: config.stack, owner: config.owner });
  const network = resolveNetwork(config.network);

  // Backups, heartbeats and check history.
  // The component's name is also the bucket's, so it must leave room for auto-naming within S3's limit.
  const backups = new BackupBucket(boundedName(prefix, "backups", S3_BUCKET_NAME_MAX_LENGTH), {
    settings: config.backupBucket,
    tags,
  });

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
  });

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

  return {
    bucketName: backups.bucketName,
    bucketArn: backups.arn,
    instanceIds: Object.fromEntries(fleet.servers.map((server) => [server.name, server.instanceId])),
    privateIps: Object.fromEntries(fleet.servers.map((server) => [server.name, server.privateIp])),
    albDnsName: lb.dnsName,
    albUrl: lb.url,
    lbConfig: lb.config,
  };
}
