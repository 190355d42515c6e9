import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { GroupRole, SecurityGroupRule } from "../rules/security-group-rules";
import type { Tags } from "../rules/tags";

export interface RuleResourceContext {
  namePrefix: string;
  /** Ids of the groups the rules mention, by role. */
  groupIds: Partial<Record<GroupRole, pulumi.Input<string>>>;
  tags: Tags;
  parent: pulumi.Resource;
}

/**
 * Turns rule data into one `aws.vpc.SecurityGroup{Ingress,Egress}Rule` each. Separate rule resources
 * (rather than inline rules) let the web and load-balancer groups refer to each other without a cycle.
 */
export function createSecurityGroupRules(
  rules: readonly SecurityGroupRule[],
  context: RuleResourceContext,
): void {
  for (const rule of rules) {
    const args = {
      securityGroupId: groupId(context, rule.group),
      description: rule.description,
      ipProtocol: rule.protocol,
      // Protocol -1 covers every port; AWS rejects port numbers with it.
      fromPort: rule.protocol === "-1" ? undefined : rule.port,
      toPort: rule.protocol === "-1" ? undefined : rule.port,
      tags: { ...context.tags, Name: `${context.namePrefix}-${rule.id}` },
    };
    const peer =
      rule.peer.kind === "cidr"
        ? { cidrIpv4: rule.peer.cidr }
        : { referencedSecurityGroupId: groupId(context, rule.peer.group) };
    const name = `${context.namePrefix}-${rule.id}`;
    if (rule.direction === "ingress")
      new aws.vpc.SecurityGroupIngressRule(name, { ...args, ...peer }, { parent: context.parent });
    else new aws.vpc.SecurityGroupEgressRule(name, { ...args, ...peer }, { parent: context.parent });
  }
}

function groupId(context: RuleResourceContext, role: GroupRole): pulumi.Input<string> {
  const id = context.groupIds[role];
  if (id === undefined) throw new Error(`no security group for role "${role}" in ${context.namePrefix}`);
  return id;
}
