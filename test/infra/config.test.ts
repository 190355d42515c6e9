import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../infra/config";
import { resolveOutput } from "../support/pulumi-mocks";
import { configIssues, configSource } from "../support/stack-config";

const validServers = [
  { name: "web01", role: "web", instanceType: "t3.micro" },
  { name: "web02", role: "web", instanceType: "t3.micro" },
  { name: "db01", role: "db", instanceType: "t3.small" },
];

async function secretValue(output: pulumi.Output<string>): Promise<{ value: string; secret: boolean }> {
  const [value, secret] = await Promise.all([resolveOutput(output), pulumi.isSecret(output)]);
  return { value, secret };
}

describe("loadConfig", () => {
  it("parses a complete config into one typed object with the stack identity", () => {
    const config = loadConfig(configSource({ owner: "platform-team", servers: validServers }));

    expect(config).toMatchObject({ project: "opsdeck", stack: "dev", owner: "platform-team" });
    expect(config.servers.map((s) => s.name)).toEqual(["web01", "web02", "db01"]);
  });

  it("fills every unset key with its documented default", () => {
    const config = loadConfig(configSource({}));

    expect(config.owner).toBe("ops");
    expect(config.servers).toEqual([{ name: "web01", role: "web", instanceType: "t3.micro" }]);
    expect(config.network).toEqual({});
    expect(config.fleet).toEqual({ rootVolumeSizeGb: 20, dbPort: 5432 });
    expect(config.backupBucket).toMatchObject({
      encryption: "aws:kms",
      forceDestroy: false,
      archiveAfterDays: 30,
    });
    expect(config.loadBalancer.healthCheck).toMatchObject({ path: "/", intervalSeconds: 15 });
    expect(config.alertWebhookUrl).toBeUndefined();
  });

  it("fills defaults inside a partly configured section", () => {
    const config = loadConfig(configSource({ backupBucket: { expireAfterDays: 90 } }));

    expect(config.backupBucket).toMatchObject({
      expireAfterDays: 90,
      archiveAfterDays: 30,
      encryption: "aws:kms",
    });
  });

  it("keeps the alert webhook only as a Pulumi secret", async () => {
    const config = loadConfig(
      configSource({ alertWebhookUrl: "https://hooks.example.com/services/T000/B000/XXXX" }, [
        "alertWebhookUrl",
      ]),
    );

    expect(config.alertWebhookUrl).toBeDefined();
    expect(await secretValue(config.alertWebhookUrl as pulumi.Output<string>)).toEqual({
      value: "https://hooks.example.com/services/T000/B000/XXXX",
      secret: true,
    });
  });

  it("treats an empty webhook (the Pulumi.yaml default) as no webhook", () => {
    expect(loadConfig(configSource({ alertWebhookUrl: "" })).alertWebhookUrl).toBeUndefined();
  });
});

describe("loadConfig rejects", () => {
  it("an invalid instanceType, naming opsdeck:servers[i].instanceType and the allowed types", () => {
    const servers = [validServers[0], { name: "db01", role: "db", instanceType: "m9.huge" }];

    const [issue] = configIssues({ servers });

    expect(issue).toMatch(/^opsdeck:servers\[1\]\.instanceType: expected one of .*"t3\.micro"/);
  });

  it("an unknown role", () => {
    expect(configIssues({ servers: [{ name: "web01", role: "cache", instanceType: "t3.micro" }] })).toEqual([
      'opsdeck:servers[0].role: expected one of "web"|"db"',
    ]);
  });

  it("a server name that cannot be used in resource names and bucket prefixes", () => {
    const [issue] = configIssues({ servers: [{ name: "Web_01", role: "web", instanceType: "t3.micro" }] });

    expect(issue).toMatch(/^opsdeck:servers\[0\]\.name: expected 2-32 lower-case letters/);
  });

  it("a duplicate server name, pointing at both entries", () => {
    const servers = [...validServers, { name: "web02", role: "web", instanceType: "t3.small" }];

    expect(configIssues({ servers })).toEqual([
      'opsdeck:servers[3].name: duplicate server name "web02" (also servers[1].name)',
    ]);
  });

  it("an empty fleet", () => {
    expect(configIssues({ servers: [] })).toEqual(["opsdeck:servers: expected at least one server"]);
  });

  it("a misspelt key instead of ignoring it", () => {
    const [issue] = configIssues({ servers: [{ name: "web01", role: "web", instanceTpye: "t3.micro" }] });

    expect(configIssues({ backupBucket: { expireAfterdays: 90 } })).toEqual([
      'opsdeck:backupBucket: unrecognized key: "expireAfterdays"',
    ]);
    expect(issue).toMatch(/^opsdeck:servers\[0\]/);
  });

  it("a value of the wrong type", () => {
    expect(configIssues({ fleet: { rootVolumeSizeGb: "20" } })).toEqual([
      "opsdeck:fleet.rootVolumeSizeGb: expected number, received string",
    ]);
  });

  it("a number out of range", () => {
    expect(configIssues({ fleet: { rootVolumeSizeGb: 4 } })).toEqual([
      "opsdeck:fleet.rootVolumeSizeGb: expected at least 8 (GiB, the Amazon Linux 2023 image size)",
    ]);
  });

  it("a structured key that is not valid JSON", () => {
    const [issue] = configIssues({ loadBalancer: "{healthCheck: " });

    expect(issue).toMatch(/^opsdeck:loadBalancer: expected JSON \(/);
  });

  it("backups that would expire before they are archived", () => {
    expect(configIssues({ backupBucket: { archiveAfterDays: 90, expireAfterDays: 60 } })).toEqual([
      "opsdeck:backupBucket.expireAfterDays: expected more than archiveAfterDays (90)",
    ]);
  });

  it("an infrequent-access transition earlier than S3 allows", () => {
    expect(
      configIssues({ backupBucket: { archiveStorageClass: "STANDARD_IA", archiveAfterDays: 7 } }),
    ).toEqual(["opsdeck:backupBucket.archiveAfterDays: expected at least 30 for STANDARD_IA"]);
  });

  it("an unknown encryption or Object Lock mode", () => {
    expect(
      configIssues({ backupBucket: { encryption: "none", objectLock: { mode: "FOREVER", days: 1 } } }),
    ).toEqual([
      'opsdeck:backupBucket.encryption: expected one of "aws:kms"|"AES256"',
      'opsdeck:backupBucket.objectLock.mode: expected one of "GOVERNANCE"|"COMPLIANCE"',
    ]);
  });

  it("subnets without their VPC, and a single subnet", () => {
    expect(configIssues({ network: { subnetIds: ["subnet-0123456789abcdef0"] } })).toEqual([
      "opsdeck:network.subnetIds: expected at least two subnets (an ALB spans two availability zones)",
      "opsdeck:network.vpcId: required when subnetIds is set",
    ]);
    expect(
      configIssues({ network: { subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } }),
    ).toEqual(["opsdeck:network.vpcId: required when subnetIds is set"]);
  });

  it("the same subnet listed twice (one zone to AWS)", () => {
    expect(
      configIssues({
        network: {
          vpcId: "vpc-0123456789abcdef0",
          subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef0"],
        },
      }),
    ).toEqual(["opsdeck:network.subnetIds: expected distinct subnets (each listed once)"]);
  });

  it("malformed AWS ids and ARNs", () => {
    expect(
      configIssues({
        fleet: { amiId: "ubuntu" },
        network: { vpcId: "default" },
        loadBalancer: { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" },
      }),
    ).toEqual([
      "opsdeck:network.vpcId: expected a VPC id like vpc-0123456789abcdef0",
      "opsdeck:fleet.amiId: expected an AMI id like ami-0123456789abcdef0",
      "opsdeck:loadBalancer.certificateArn: expected an ACM certificate ARN",
    ]);
  });

  it("a health check whose timeout is not shorter than its interval", () => {
    expect(
      configIssues({ loadBalancer: { healthCheck: { intervalSeconds: 10, timeoutSeconds: 10 } } }),
    ).toEqual(["opsdeck:loadBalancer.healthCheck.timeoutSeconds: expected less than intervalSeconds"]);
  });

  it("a client network that is not an IPv4 CIDR", () => {
    expect(configIssues({ loadBalancer: { allowedCidrs: ["10.0.0.0/33"] } })).toEqual([
      "opsdeck:loadBalancer.allowedCidrs[0]: invalid IPv4 range",
    ]);
  });

  it("an owner that AWS would refuse as a tag value", () => {
    const [issue] = configIssues({ owner: "ops;rm -rf" });

    expect(issue).toMatch(/^opsdeck:owner: expected letters, digits/);
  });

  it("a webhook set in plain text, without repeating its value", () => {
    const url = "https://hooks.example.com/services/T000/B000/XXXX";

    const issues = configIssues({ alertWebhookUrl: url });

    expect(issues).toEqual([
      "opsdeck:alertWebhookUrl: must be stored as a secret: pulumi config set --secret alertWebhookUrl <value>",
    ]);
    expect(issues.join("\n")).not.toContain("hooks.example.com");
  });

  it("a webhook that is not an https URL, without repeating its value", () => {
    const issues = configIssues({ alertWebhookUrl: "http://hooks.example.com/token-abc" }, [
      "alertWebhookUrl",
    ]);

    expect(issues).toEqual(["opsdeck:alertWebhookUrl: expected an https:// URL"]);
  });

  it("every bad key at once", () => {
    const issues = configIssues({
      servers: [{ name: "web01", role: "web", instanceType: "t3.huge" }],
      fleet: { dbPort: 80 },
      alertWebhookUrl: "https://hooks.example.com/x",
    });

    expect(issues.map((issue) => issue.split(":").slice(0, 2).join(":"))).toEqual([
      "opsdeck:servers[0].instanceType",
      "opsdeck:fleet.dbPort",
      "opsdeck:alertWebhookUrl",
    ]);
  });
});
