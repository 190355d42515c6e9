/**
 * Policies for the choices a stack can make beyond the dev stack: S3-managed encryption, Object Lock,
 * HTTPS, a configured VPC, a pinned image, Graviton servers, long stack names, and the bare defaults.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { StackOutputs } from "../../infra/stack";
import { MOCK_AL2023_AMIS, type PulumiMockSession, resolveOutput } from "../support/pulumi-mocks";
import { buildStack } from "./build-stack";

const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6";
const VPC = "vpc-0aaaabbbbccccdddd";
const SUBNETS = ["subnet-0bbbb00000000000b", "subnet-0aaaa00000000000a"];
const PINNED_AMI = "ami-0123456789abcdef0";
const WEBHOOK = "https://hooks.example.com/services/T000/B000/SECRET-TOKEN";

describe("a hardened stack: AES256, Object Lock, HTTPS, own VPC, pinned image, secret webhook", () => {
  let mocks: PulumiMockSession;
  let outputs: StackOutputs;

  beforeAll(async () => {
    ({ mocks, outputs } = await buildStack({
      stack: "Feature_Branch-with-a-rather-long-name-for-a-stack-of-its-own",
      config: {
        "opsdeck:servers": [
          { name: "web01", role: "web", instanceType: "t3.small" },
          { name: "db01", role: "db", instanceType: "t3.small", amiId: "ami-0fedcba9876543210" },
        ],
        "opsdeck:network": { vpcId: VPC, subnetIds: SUBNETS },
        "opsdeck:fleet": { amiId: PINNED_AMI, dbPort: 6432 },
        "opsdeck:backupBucket": { encryption: "AES256", objectLock: { mode: "GOVERNANCE", days: 30 } },
        "opsdeck:loadBalancer": { certificateArn: CERTIFICATE, allowedCidrs: ["203.0.113.0/24"] },
        "opsdeck:alertWebhookUrl": WEBHOOK,
      },
      secretKeys: ["opsdeck:alertWebhookUrl"],
    }));
  });

  it("encrypts with S3-managed keys and creates no KMS key or KMS permissions", () => {
    const [rule] = mocks.one(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).inputs.rules;

    expect(rule.applyServerSideEncryptionByDefault).toEqual({ sseAlgorithm: "AES256" });
    expect(mocks.ofType("aws:kms/key:Key")).toHaveLength(0);
    for (const policy of mocks.ofType("aws:iam/rolePolicy:RolePolicy"))
      expect(policy.inputs.policy).not.toContain("kms:");
  });

  it("turns Object Lock on at creation with the configured default retention, after versioning", () => {
    const lock = mocks.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");

    expect(mocks.one("aws:s3/bucket:Bucket").inputs.objectLockEnabled).toBe(true);
    expect(lock.inputs.rule).toEqual({ defaultRetention: { mode: "GOVERNANCE", days: 30 } });
    expect(lock.dependencies).toContain(mocks.one("aws:s3/bucketVersioning:BucketVersioning").urn);
  });

  it("keeps forceDestroy off when the stack does not turn it on", () => {
    expect(mocks.one("aws:s3/bucket:Bucket").inputs.forceDestroy).toBe(false);
  });

  it("serves HTTPS with the certificate and redirects HTTP to it", () => {
    const listeners = mocks.ofType("aws:lb/listener:Listener");
    const https = listeners.find((l) => l.inputs.port === 443);
    const http = listeners.find((l) => l.inputs.port === 80);

    expect(https?.inputs).toMatchObject({
      protocol: "HTTPS",
      certificateArn: CERTIFICATE,
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
    expect(https?.inputs.defaultActions[0].type).toBe("forward");
    expect(http?.inputs.defaultActions).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
  });

  it("admits clients on 80 and 443 from the configured network only", () => {
    const open = mocks
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.inputs.cidrIpv4 !== undefined)
      .map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort]);

    expect(open.sort()).toEqual([
      ["203.0.113.0/24", 443],
      ["203.0.113.0/24", 80],
    ]);
  });

  it("reports an https URL and frontend", async () => {
    const dnsName = await resolveOutput(outputs.albDnsName);

    expect(await resolveOutput(outputs.albUrl)).toBe(`https://${dnsName}`);
    expect((await resolveOutput(outputs.lbConfig)).frontend).toMatchObject({ protocol: "HTTPS", port: 443 });
  });

  it("runs in the configured VPC and subnets without looking up the default VPC's subnets", () => {
    expect(mocks.calls.map((c) => c.token)).not.toContain("aws:ec2/getSubnets:getSubnets");
    expect(mocks.calls).toContainEqual({ token: "aws:ec2/getVpc:getVpc", inputs: { id: VPC } });
    expect(mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets).toEqual([...SUBNETS].sort());
    expect(mocks.one("aws:lb/targetGroup:TargetGroup").inputs.vpcId).toBe(VPC);
    for (const group of mocks.ofType("aws:ec2/securityGroup:SecurityGroup"))
      expect(group.inputs.vpcId).toBe(VPC);
  });

  it("boots the pinned images, a server's own amiId first, and applies image changes", () => {
    const instances = mocks.ofType("aws:ec2/instance:Instance");
    const web = instances.find((r) => r.name.endsWith("-web01"));
    const db = instances.find((r) => r.name.endsWith("-db01"));

    expect(web?.inputs.ami).toBe(PINNED_AMI);
    expect(db?.inputs.ami).toBe("ami-0fedcba9876543210");
    expect(instances.every((r) => r.ignoreChanges.length === 0)).toBe(true);
    expect(mocks.calls.map((c) => c.token)).not.toContain("aws:ssm/getParameter:getParameter");
  });

  it("opens the configured database port to the web group only", () => {
    const dbRule = mocks
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .find((r) => r.name.endsWith("-db-from-web"));

    expect(dbRule?.inputs).toMatchObject({ fromPort: 6432, toPort: 6432 });
    expect(dbRule?.inputs.referencedSecurityGroupId).toBeDefined();
  });

  it("keeps auto-named resources within AWS's name limits despite a long stack name", () => {
    const limits: Record<string, number> = {
      "aws:lb/loadBalancer:LoadBalancer": 32,
      "aws:lb/targetGroup:TargetGroup": 32,
      "aws:s3/bucket:Bucket": 63,
      "aws:iam/role:Role": 64,
    };
    for (const [type, limit] of Object.entries(limits)) {
      for (const { name } of mocks.ofType(type)) {
        expect(name.length + "-abcdefg".length, name).toBeLessThanOrEqual(limit);
        expect(name).toMatch(/^opsdeck-feature-[a-z0-9]+(-[a-z0-9]+)*$/);
      }
    }
  });

  it("hands the webhook only as a Pulumi secret to the function and the agents' SecureString", () => {
    const holders = mocks.resources.filter((r) => JSON.stringify(r.inputs).includes("SECRET-TOKEN"));

    expect(holders.map((r) => r.type).sort()).toEqual([
      "aws:lambda/function:Function",
      "aws:ssm/parameter:Parameter",
    ]);
    expect(mocks.one("aws:lambda/function:Function").secretPaths).toEqual(["environment"]);
    expect(mocks.one("aws:ssm/parameter:Parameter").secretPaths).toEqual(["value"]);
    expect(mocks.one("aws:ssm/parameter:Parameter").inputs.type).toBe("SecureString");
  });
});

describe("a stack with no config but the project defaults", () => {
  let mocks: PulumiMockSession;

  beforeAll(async () => {
    ({ mocks } = await buildStack({ stack: "sandbox", config: {} }));
  });

  it("runs one t3.micro web server behind the load balancer", () => {
    const [instance] = mocks.ofType("aws:ec2/instance:Instance");

    expect(mocks.ofType("aws:ec2/instance:Instance")).toHaveLength(1);
    expect(instance?.inputs.instanceType).toBe("t3.micro");
    expect(mocks.ofType("aws:lb/targetGroupAttachment:TargetGroupAttachment")).toHaveLength(1);
  });

  it("keeps backups safe from a destroy and encrypts with KMS", () => {
    expect(mocks.one("aws:s3/bucket:Bucket").inputs.forceDestroy).toBe(false);
    expect(mocks.one("aws:kms/key:Key").inputs.enableKeyRotation).toBe(true);
  });

  it("tags resources with the default owner", () => {
    expect(mocks.one("aws:s3/bucket:Bucket").inputs.tags).toEqual({
      project: "opsdeck",
      stack: "sandbox",
      "managed-by": "pulumi",
      owner: "ops",
    });
  });
});

describe("a Graviton fleet", () => {
  let mocks: PulumiMockSession;

  beforeAll(async () => {
    ({ mocks } = await buildStack({
      config: {
        "opsdeck:servers": [
          { name: "web01", role: "web", instanceType: "t4g.small" },
          { name: "web02", role: "web", instanceType: "t4g.small" },
        ],
      },
    }));
  });

  it("boots the arm64 Amazon Linux 2023 image, asking SSM once", () => {
    const parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";
    const ssmCalls = mocks.calls.filter((c) => c.token === "aws:ssm/getParameter:getParameter");

    expect(ssmCalls).toEqual([{ token: "aws:ssm/getParameter:getParameter", inputs: { name: parameter } }]);
    for (const instance of mocks.ofType("aws:ec2/instance:Instance"))
      expect(instance.inputs.ami).toBe(MOCK_AL2023_AMIS[parameter]);
  });

  it("creates the db group even with no db server, but nothing may reach it except from web", () => {
    const dbIngress = mocks
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.name.includes("-db-"));

    expect(dbIngress.map((r) => r.name)).toEqual(["opsdeck-dev-fleet-db-from-web"]);
  });
});
