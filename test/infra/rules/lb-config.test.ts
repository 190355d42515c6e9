import { describe, expect, it } from "vitest";
import { lbConfigDocument } from "../../../infra/rules/lb-config";

const dnsName = "opsdeck-dev-alb-1234567.eu-west-1.elb.amazonaws.com";
const backends = [
  { name: "web02", privateIp: "172.31.2.10" },
  { name: "web01", privateIp: "172.31.1.10" },
];

describe("lbConfigDocument", () => {
  it("describes an HTTP frontend on 80 and the backends with names and private IPs, sorted by name", () => {
    expect(lbConfigDocument({ dnsName, https: false, targetPort: 80, backends })).toEqual({
      frontend: { protocol: "HTTP", port: 80, dnsName, url: `http://${dnsName}` },
      backends: [
        { name: "web01", privateIp: "172.31.1.10", port: 80 },
        { name: "web02", privateIp: "172.31.2.10", port: 80 },
      ],
    });
  });

  it("describes an HTTPS frontend on 443 when a certificate is configured", () => {
    const config = lbConfigDocument({ dnsName, https: true, targetPort: 80, backends });

    expect(config.frontend).toEqual({ protocol: "HTTPS", port: 443, dnsName, url: `https://${dnsName}` });
  });

  it("is a plain JSON document", () => {
    const config = lbConfigDocument({ dnsName, https: false, targetPort: 80, backends });

    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });
});
