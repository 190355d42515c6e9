/** The load balancer as a plain document: where clients connect and which servers answer. */
export interface LbConfig {
  frontend: { protocol: "HTTP" | "HTTPS"; port: number; dnsName: string; url: string };
  backends: { name: string; privateIp: string; port: number }[];
}

export interface LbConfigInput {
  dnsName: string;
  /** True when the HTTPS listener is configured (HTTP then only redirects). */
  https: boolean;
  targetPort: number;
  backends: { name: string; privateIp: string }[];
}

/** Builds the exported load-balancer document; backends are sorted by name so the output is stable. */
export function lbConfigDocument(input: LbConfigInput): LbConfig {
  const protocol = input.https ? "HTTPS" : "HTTP";
  const port = input.https ? 443 : 80;
  return {
    frontend: { protocol, port, dnsName: input.dnsName, url: `${protocol.toLowerCase()}://${input.dnsName}` },
    backends: [...input.backends]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((backend) => ({ name: backend.name, privateIp: backend.privateIp, port: input.targetPort })),
  };
}
