import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancerConfig } from "../config";
import { type LbConfig, lbConfigDocument } from "../rules/lb-config";
import { boundedName, ELB_NAME_MAX_LENGTH } from "../rules/naming";
import { loadBalancerSecurityGroupRules } from "../rules/security-group-rules";
import { type Tags, withName } from "../rules/tags";
import { createSecurityGroupRules } from "./security-group-rule-resources";

/** A server the load balancer forwards to. */
export interface LoadBalancerTarget {
  name: string;
  instanceId: pulumi.Input<string>;
  privateIp: pulumi.Input<string>;
}

export interface LoadBalancerArgs {
  settings: LoadBalancerConfig;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string[]>;
  targets: readonly LoadBalancerTarget[];
  /** Port the targets serve HTTP on. */
  targetPort: number;
  /** The targets' security group; the load balancer adds the rule that lets itself in. */
  targetSecurityGroupId: pulumi.Input<string>;
  /** Base for AWS names that have a 32-character limit (`opsdeck-dev`). */
  namePrefix: string;
  tags: Tags;
}

/**
 * An internet-facing Application Load Balancer in front of the web servers: its own security group,
 * a health-checked target group, HTTP (or HTTPS with an HTTP redirect when a certificate is configured).
 */
export class LoadBalancer extends pulumi.ComponentResource {
  public readonly dnsName: pulumi.Output<string>;
  public readonly url: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  /** The resulting configuration as a plain document: frontend and backends with private IPs. */
  public readonly config: pulumi.Output<LbConfig>;

  private readonly args: LoadBalancerArgs;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("opsdeck:network:LoadBalancer", name, {}, opts);
    this.args = args;
    const https = args.settings.certificateArn !== undefined;

    const securityGroup = this.createSecurityGroup(name, https);
    const alb = new aws.lb.LoadBalancer(
      boundedName(args.namePrefix, "alb", ELB_NAME_MAX_LENGTH),
      {
        loadBalancerType: "application",
        internal: false,
        securityGroups: [securityGroup.id],
        subnets: args.subnetIds,
        // Malformed headers are a request-smuggling vector; the web servers never need them.
        dropInvalidHeaderFields: true,
        idleTimeout: args.settings.idleTimeoutSeconds,
        enableDeletionProtection: args.settings.deletionProtection,
        tags: args.tags,
      },
      { parent: this },
    );
    const targetGroup = this.createTargetGroup();
    this.attachTargets(name, targetGroup);
    this.createListeners(name, alb, targetGroup);

    this.dnsName = alb.dnsName;
    this.arn = alb.arn;
    this.securityGroupId = securityGroup.id;
    this.url = pulumi.interpolate`${https ? "https" : "http"}://${alb.dnsName}`;
    const backends = pulumi.all(
      args.targets.map((target) =>
        pulumi.output(target.privateIp).apply((privateIp) => ({ name: target.name, privateIp })),
      ),
    );
    this.config = pulumi
      .all([alb.dnsName, backends])
      .apply(([dnsName, resolved]) =>
        lbConfigDocument({ dnsName, https, targetPort: args.targetPort, backends: resolved }),
      );
    this.registerOutputs({ dnsName: this.dnsName, url: this.url, arn: this.arn, config: this.config });
  }

  private createSecurityGroup(name: string, https: boolean): aws.ec2.SecurityGroup {
    const groupName = `${name}-sg`;
    const group = new aws.ec2.SecurityGroup(
      groupName,
      {
        description: "opsdeck load balancer",
        vpcId: this.args.vpcId,
        tags: withName(this.args.tags, groupName),
      },
      { parent: this },
    );
    createSecurityGroupRules(
      loadBalancerSecurityGroupRules({
        listenerPorts: https ? [80, 443] : [80],
        allowedCidrs: this.args.settings.allowedCidrs,
        targetPort: this.args.targetPort,
      }),
      {
        namePrefix: name,
        groupIds: { lb: group.id, web: this.args.targetSecurityGroupId },
        tags: this.args.tags,
        parent: this,
      },
    );
    return group;
  }

  private createTargetGroup(): aws.lb.TargetGroup {
    const check = this.args.settings.healthCheck;
    return new aws.lb.TargetGroup(
      boundedName(this.args.namePrefix, "web", ELB_NAME_MAX_LENGTH),
      {
        targetType: "instance",
        protocol: "HTTP",
        port: this.args.targetPort,
        vpcId: this.args.vpcId,
        // Web servers hold no long-lived connections; 30 s keeps deployments quick.
        deregistrationDelay: 30,
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          path: check.path,
          matcher: check.matcher,
          interval: check.intervalSeconds,
          timeout: check.timeoutSeconds,
          healthyThreshold: check.healthyThreshold,
          unhealthyThreshold: check.unhealthyThreshold,
        },
        tags: this.args.tags,
      },
      { parent: this },
    );
  }

  private attachTargets(name: string, targetGroup: aws.lb.TargetGroup): void {
    for (const target of this.args.targets) {
      new aws.lb.TargetGroupAttachment(
        `${name}-${target.name}`,
        { targetGroupArn: targetGroup.arn, targetId: target.instanceId, port: this.args.targetPort },
        { parent: this },
      );
    }
  }

  private createListeners(name: string, alb: aws.lb.LoadBalancer, targetGroup: aws.lb.TargetGroup): void {
    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    const { certificateArn, sslPolicy } = this.args.settings;
    if (certificateArn === undefined) {
      new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: alb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: forward,
          tags: this.args.tags,
        },
        { parent: this },
      );
      return;
    }
    new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        certificateArn,
        sslPolicy,
        defaultActions: forward,
        tags: this.args.tags,
      },
      { parent: this },
    );
    new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ],
        tags: this.args.tags,
      },
      { parent: this },
    );
  }
}
