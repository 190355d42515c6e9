import { describe, expect, it } from "vitest";
import {
  ANYWHERE_IPV4,
  fleetSecurityGroupRules,
  loadBalancerSecurityGroupRules,
  type SecurityGroupRule,
} from "../../../infra/rules/security-group-rules";

const fleet = fleetSecurityGroupRules({ dbPort: 5432 });
const lb = loadBalancerSecurityGroupRules({
  listenerPorts: [80, 443],
  allowedCidrs: [ANYWHERE_IPV4],
  targetPort: 80,
});
const all: SecurityGroupRule[] = [...fleet, ...lb];
const ingressTo = (group: string) => all.filter((r) => r.direction === "ingress" && r.group === group);

describe("security group rules", () => {
  it("open only the load balancer's listener ports to the internet", () => {
    const open = all.filter((r) => r.direction === "ingress" && r.peer.kind === "cidr");

    expect(open.every((r) => r.group === "lb")).toBe(true);
    expect(open.map((r) => r.port).sort()).toEqual([443, 80]);
  });

  it("never admit SSH (22) or RDP (3389)", () => {
    const ports = all.filter((r) => r.direction === "ingress").map((r) => r.port);

    expect(ports).not.toContain(22);
    expect(ports).not.toContain(3389);
    expect(all.filter((r) => r.direction === "ingress").every((r) => r.protocol === "tcp")).toBe(true);
  });

  it("let web servers accept port 80 only from the load balancer's group", () => {
    expect(ingressTo("web")).toEqual([
      expect.objectContaining({ peer: { kind: "group", group: "lb" }, protocol: "tcp", port: 80 }),
    ]);
  });

  it("let db servers accept their port only from the web group", () => {
    expect(ingressTo("db")).toEqual([
      expect.objectContaining({ peer: { kind: "group", group: "web" }, protocol: "tcp", port: 5432 }),
    ]);
  });

  it("let the load balancer reach only the web servers' port", () => {
    expect(lb.filter((r) => r.direction === "egress")).toEqual([
      expect.objectContaining({ group: "lb", peer: { kind: "group", group: "web" }, port: 80 }),
    ]);
  });

  it("admit clients only from the configured networks", () => {
    const rules = loadBalancerSecurityGroupRules({
      listenerPorts: [80],
      allowedCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
      targetPort: 80,
    });

    expect(rules.filter((r) => r.peer.kind === "cidr").map((r) => r.peer)).toEqual([
      { kind: "cidr", cidr: "203.0.113.0/24" },
      { kind: "cidr", cidr: "198.51.100.0/24" },
    ]);
  });

  it("give every rule a unique id", () => {
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
  });
});
