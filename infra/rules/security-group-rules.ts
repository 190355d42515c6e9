/**
 * Who may talk to whom, as data. Components turn each rule into an `aws.vpc.SecurityGroupIngressRule`
 * or `SecurityGroupEgressRule`; tests read the same data. Groups are named by role, not by id.
 */
export type GroupRole = "lb" | "web" | "db";

export type Peer = { kind: "cidr"; cidr: string } | { kind: "group"; group: GroupRole };

export interface SecurityGroupRule {
  /** Stable, unique within the stack: becomes part of the rule resource's name. */
  id: string;
  direction: "ingress" | "egress";
  /** The group the rule belongs to. */
  group: GroupRole;
  peer: Peer;
  /** `-1` means every protocol and port. */
  protocol: "tcp" | "-1";
  port?: number;
  description: string;
}

export const ANYWHERE_IPV4 = "0.0.0.0/0";

/** Rules among the fleet's own groups: web and db reach out; db admits its port from web only. */
export function fleetSecurityGroupRules({ dbPort }: { dbPort: number }): SecurityGroupRule[] {
  return [
    {
      id: "web-egress-all",
      direction: "egress",
      group: "web",
      peer: { kind: "cidr", cidr: ANYWHERE_IPV4 },
      protocol: "-1",
      description: "Package installs, SSM Session Manager and the S3 backup bucket",
    },
    {
      id: "db-from-web",
      direction: "ingress",
      group: "db",
      peer: { kind: "group", group: "web" },
      protocol: "tcp",
      port: dbPort,
      description: "Database port from the web servers only",
    },
    {
      id: "db-egress-all",
      direction: "egress",
      group: "db",
      peer: { kind: "cidr", cidr: ANYWHERE_IPV4 },
      protocol: "-1",
      description: "Package installs, SSM Session Manager and the S3 backup bucket",
    },
  ];
}

export interface LoadBalancerRulesInput {
  /** Ports the load balancer listens on (80, plus 443 when a certificate is configured). */
  listenerPorts: number[];
  /** Client networks allowed to reach the listeners. */
  allowedCidrs: string[];
  /** Port the web servers serve on. */
  targetPort: number;
}

/** Rules the load balancer brings: clients to its listeners, and itself to the web servers' port only. */
export function loadBalancerSecurityGroupRules(input: LoadBalancerRulesInput): SecurityGroupRule[] {
  const clientRules = input.listenerPorts.flatMap((port) =>
    input.allowedCidrs.map(
      (cidr, index): SecurityGroupRule => ({
        id: `lb-in-${port}-${index}`,
        direction: "ingress",
        group: "lb",
        peer: { kind: "cidr", cidr },
        protocol: "tcp",
        port,
        description: `Clients to the load balancer on port ${port}`,
      }),
    ),
  );
  return [
    ...clientRules,
    {
      id: "lb-to-web",
      direction: "egress",
      group: "lb",
      peer: { kind: "group", group: "web" },
      protocol: "tcp",
      port: input.targetPort,
      description: "Load balancer to the web servers",
    },
    {
      id: "web-from-lb",
      direction: "ingress",
      group: "web",
      peer: { kind: "group", group: "lb" },
      protocol: "tcp",
      port: input.targetPort,
      description: "Web port from the load balancer only",
    },
  ];
}
