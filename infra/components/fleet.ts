import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { FleetConfig, ServerConfig } from "../config";
import type { Network } from "../lookups/network";
import { instancePolicyDocument, instanceTrustPolicyDocument } from "../rules/instance-policy";
import { type Architecture, architectureOf } from "../rules/instance-types";
import { boundedName, IAM_ROLE_NAME_MAX_LENGTH } from "../rules/naming";
import { fleetSecurityGroupRules } from "../rules/security-group-rules";
import type { ServerRole } from "../rules/server-roles";
import { type Tags, withName } from "../rules/tags";
import { renderUserData } from "../rules/user-data";
import { createSecurityGroupRules } from "./security-group-rule-resources";

export interface FleetArgs {
  servers: readonly ServerConfig[];
  settings: FleetConfig;
  network: Network;
  /** The backup bucket every server writes its own prefixes of. */
  backupBucket: { arn: pulumi.Input<string>; kmsKeyArn?: pulumi.Input<string> };
  /** The latest Amazon Linux 2023 image for an architecture (used unless an AMI id is configured). */
  latestAmi: (arch: Architecture) => pulumi.Input<string>;
  /** The AWS partition (`aws`, `aws-cn`, …), for managed-policy ARNs. */
  partition: pulumi.Input<string>;
  /** Base for AWS names that have a length limit (`opsdeck-dev`). */
  namePrefix: string;
  tags: Tags;
  /**
   * Extra first-boot shell steps per server, appended after the role's own (the agent hooks in here).
   * An input, because the steps may name resources created alongside (the bucket).
   */
  extraUserData?: (server: ServerConfig) => pulumi.Input<readonly string[]>;
}

/** What the rest of the stack needs to know about one server. */
export interface FleetServer {
  name: string;
  role: ServerRole;
  instanceId: pulumi.Output<string>;
  privateIp: pulumi.Output<string>;
  /** The instance role, so other components can grant the server more (the agent's read access). */
  roleName: pulumi.Output<string>;
}

/**
 * One EC2 instance per configured server, reachable only through SSM Session Manager (no key pair, no
 * port 22), each with a role that can write only its own prefixes of the backup bucket.
 */
export class Fleet extends pulumi.ComponentResource {
  public readonly servers: FleetServer[];
  public readonly webSecurityGroupId: pulumi.Output<string>;
  public readonly dbSecurityGroupId: pulumi.Output<string>;

  private readonly args: FleetArgs;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("opsdeck:compute:Fleet", name, {}, opts);
    this.args = args;

    const groups = {
      web: this.createSecurityGroup(`${name}-web`, "opsdeck web servers"),
      db: this.createSecurityGroup(`${name}-db`, "opsdeck database servers"),
    };
    createSecurityGroupRules(fleetSecurityGroupRules({ dbPort: args.settings.dbPort }), {
      namePrefix: name,
      groupIds: { web: groups.web.id, db: groups.db.id },
      tags: args.tags,
      parent: this,
    });

    this.servers = args.servers.map((server, index) =>
      this.createServer(`${name}-${server.name}`, server, index, groups[server.role].id),
    );
    this.webSecurityGroupId = groups.web.id;
    this.dbSecurityGroupId = groups.db.id;
    this.registerOutputs({
      webSecurityGroupId: this.webSecurityGroupId,
      dbSecurityGroupId: this.dbSecurityGroupId,
    });
  }

  private createSecurityGroup(name: string, description: string): aws.ec2.SecurityGroup {
    // Rules are separate resources (see createSecurityGroupRules), never inline, so groups can reference each other.
    return new aws.ec2.SecurityGroup(
      name,
      { description, vpcId: this.args.network.vpcId, tags: withName(this.args.tags, name) },
      { parent: this },
    );
  }

  private createServer(
    name: string,
    server: ServerConfig,
    index: number,
    securityGroupId: pulumi.Input<string>,
  ): FleetServer {
    const { role, profile } = this.createInstanceProfile(name, server);
    const configuredAmi = server.amiId ?? this.args.settings.amiId;
    const { network } = this.args;
    const instance = new aws.ec2.Instance(
      name,
      {
        ami: configuredAmi ?? this.args.latestAmi(architectureOf(server.instanceType)),
        instanceType: server.instanceType,
        // Spread servers over the subnets (one per availability zone in the default VPC).
        subnetId: network.subnetIds.apply((ids) => pickSubnet(ids, index)),
        vpcSecurityGroupIds: [securityGroupId],
        iamInstanceProfile: profile.name,
        // IMDSv2 only: session tokens defeat SSRF-style credential theft; one hop keeps containers out.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        rootBlockDevice: {
          volumeType: "gp3",
          volumeSize: server.rootVolumeSizeGb ?? this.args.settings.rootVolumeSizeGb,
          encrypted: true,
          deleteOnTermination: true,
          tags: withName(this.args.tags, name),
        },
        userData: pulumi
          .all([network.vpcCidr, this.args.extraUserData?.(server) ?? []])
          .apply(([clientCidr, extraSteps]) =>
            renderUserData({
              server: server.name,
              role: server.role,
              dbPort: this.args.settings.dbPort,
              clientCidr,
              extraSteps,
            }),
          ),
        tags: withName(this.args.tags, name),
      },
      {
        parent: this,
        // SSM publishes a new image every few weeks; following it would replace (and wipe) every server.
        // New servers start from the latest image; a configured amiId is applied as usual.
        ignoreChanges: configuredAmi === undefined ? ["ami"] : [],
      },
    );
    return {
      name: server.name,
      role: server.role,
      instanceId: instance.id,
      privateIp: instance.privateIp,
      roleName: role.name,
    };
  }

  private createInstanceProfile(
    name: string,
    server: ServerConfig,
  ): { role: aws.iam.Role; profile: aws.iam.InstanceProfile } {
    const role = new aws.iam.Role(
      boundedName(this.args.namePrefix, `${server.name}-role`, IAM_ROLE_NAME_MAX_LENGTH),
      {
        description: `opsdeck server ${server.name}`,
        assumeRolePolicy: JSON.stringify(instanceTrustPolicyDocument()),
        tags: this.args.tags,
      },
      { parent: this },
    );
    // Session Manager instead of SSH: no key pair, no open port 22.
    new aws.iam.RolePolicyAttachment(
      `${name}-ssm`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${this.args.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
      },
      { parent: this },
    );
    const { arn, kmsKeyArn } = this.args.backupBucket;
    new aws.iam.RolePolicy(
      `${name}-backup-access`,
      {
        role: role.name,
        policy: pulumi
          .all([arn, kmsKeyArn])
          .apply(([bucketArn, keyArn]) =>
            JSON.stringify(instancePolicyDocument({ bucketArn, server: server.name, kmsKeyArn: keyArn })),
          ),
      },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name, tags: this.args.tags },
      { parent: this },
    );
    return { role, profile };
  }
}

function pickSubnet(subnetIds: readonly string[], index: number): string {
  const subnet = subnetIds[index % subnetIds.length];
  if (subnet === undefined) throw new Error("the VPC has no subnets to place servers in");
  return subnet;
}
