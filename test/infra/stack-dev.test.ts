/**
 * Policies for the dev stack exactly as Pulumi.dev.yaml (plus the Pulumi.yaml defaults) configures it,
 * checked on what the program registers under Pulumi's mock runtime.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../infra/rules/policy-document";
import { tagSet } from "../../infra/rules/tags";
import type { StackOutputs } from "../../infra/stack";
import { isTaggableAwsType } from "../support/aws-taggable";
import { isAllowed } from "../support/iam-evaluator";
import {
  MOCK_AL2023_AMIS,
  MOCK_DEFAULT_SUBNETS,
  MOCK_DEFAULT_VPC,
  type PulumiMockSession,
  type RecordedResource,
  readStackConfig,
  resolveOutput,
} from "../support/pulumi-mocks";
import { buildStack } from "./build-stack";

const T = {
  bucket: "aws:s3/bucket:Bucket",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  kmsKey: "aws:kms/key:Key",
  instance: "aws:ec2/instance:Instance",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  instanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  listener: "aws:lb/listener:Listener",
} as const;

let mocks: PulumiMockSession;
let outputs: StackOutputs;

beforeAll(async () => {
  const { config, secretKeys } = readStackConfig("dev");
  ({ mocks, outputs } = await buildStack({ project: "opsdeck", stack: "dev", config, secretKeys }));
});

const instanceOf = (server: string) => mocks.one(T.instance, `opsdeck-dev-fleet-${server}`);
/** The id the mocks gave a security group, which is what rules and instances received. */
const groupId = (name: string) => mocks.one(T.securityGroup, name).id;

describe("backup bucket", () => {
  it("blocks all public access", () => {
    expect(mocks.one(T.publicAccessBlock).inputs).toMatchObject({
      bucket: mocks.one(T.bucket).id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });

  it("denies requests without TLS", async () => {
    const bucketArn = await resolveOutput(outputs.bucketArn);
    const policy = JSON.parse(mocks.one(T.bucketPolicy).inputs.policy) as PolicyDocument;

    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("is versioned", () => {
    expect(mocks.one(T.versioning).inputs.versioningConfiguration).toEqual({ status: "Enabled" });
  });

  it("is encrypted with its own KMS key, rotated yearly, with a bucket key", () => {
    const key = mocks.one(T.kmsKey);
    const [rule] = mocks.one(T.encryption).inputs.rules;

    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(rule.applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
    expect(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId).toMatch(/^arn:aws:kms:.*:key\//);
    expect(rule.bucketKeyEnabled).toBe(true);
  });

  it("disables ACLs: the bucket owner owns every object", () => {
    expect(mocks.one(T.ownership).inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  it("archives and expires backups, expires noncurrent versions and aborts stale multipart uploads", () => {
    const rules = mocks.one(T.lifecycle).inputs.rules as Record<string, unknown>[];

    expect(rules).toContainEqual(
      expect.objectContaining({
        filter: { prefix: "backups/" },
        transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
        expiration: { days: 180 },
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ noncurrentVersionExpiration: { noncurrentDays: 14 } }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }),
    );
  });

  it("applies the bucket policy after the public access block and lifecycle after versioning", () => {
    expect(mocks.one(T.bucketPolicy).dependencies).toContain(mocks.one(T.publicAccessBlock).urn);
    expect(mocks.one(T.lifecycle).dependencies).toContain(mocks.one(T.versioning).urn);
  });

  it("lets the dev stack destroy a non-empty bucket, as Pulumi.dev.yaml says, and has no Object Lock", () => {
    expect(mocks.one(T.bucket).inputs.forceDestroy).toBe(true);
    expect(mocks.one(T.bucket).inputs.objectLockEnabled).toBeUndefined();
    expect(mocks.ofType(T.objectLock)).toHaveLength(0);
  });
});

describe("fleet", () => {
  it("runs one instance per configured server", () => {
    expect(mocks.ofType(T.instance).map((r) => r.name)).toEqual(
      expect.arrayContaining([
        "opsdeck-dev-fleet-web01",
        "opsdeck-dev-fleet-web02",
        "opsdeck-dev-fleet-db01",
      ]),
    );
    expect(mocks.ofType(T.instance)).toHaveLength(3);
    expect(instanceOf("db01").inputs.instanceType).toBe("t3.small");
  });

  it("instances require IMDSv2", () => {
    for (const instance of mocks.ofType(T.instance)) {
      expect(instance.inputs.metadataOptions, instance.name).toMatchObject({
        httpEndpoint: "enabled",
        httpTokens: "required",
      });
    }
  });

  it("root volumes are encrypted gp3 volumes of the configured size", () => {
    for (const instance of mocks.ofType(T.instance)) {
      expect(instance.inputs.rootBlockDevice, instance.name).toMatchObject({
        encrypted: true,
        volumeType: "gp3",
      });
    }
    expect(instanceOf("web01").inputs.rootBlockDevice.volumeSize).toBe(20);
    expect(instanceOf("db01").inputs.rootBlockDevice.volumeSize).toBe(30);
  });

  it("instances have no key pair: access is through SSM Session Manager", () => {
    for (const instance of mocks.ofType(T.instance))
      expect(instance.inputs.keyName, instance.name).toBeUndefined();
    const ssmAttachments = mocks.ofType(T.policyAttachment).map((r) => r.inputs.policyArn);
    expect(ssmAttachments).toEqual(Array(3).fill("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"));
  });

  it("instances boot the latest Amazon Linux 2023 from the public SSM parameter, and keep it on later runs", () => {
    const parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

    expect(mocks.calls).toContainEqual({
      token: "aws:ssm/getParameter:getParameter",
      inputs: { name: parameter },
    });
    for (const instance of mocks.ofType(T.instance)) {
      expect(instance.inputs.ami).toBe(MOCK_AL2023_AMIS[parameter]);
      expect(instance.ignoreChanges).toEqual(["ami"]);
    }
  });

  it("spreads servers over the default VPC's subnets", () => {
    const subnets = mocks.ofType(T.instance).map((r) => r.inputs.subnetId);

    expect(new Set(subnets).size).toBe(3);
    for (const subnet of subnets) expect(MOCK_DEFAULT_SUBNETS).toContain(subnet);
  });

  it("each instance runs with its own role and instance profile", () => {
    const instanceRoles = mocks
      .ofType(T.role)
      .filter((role) => mocks.byUrn(role.parent ?? "")?.type === "opsdeck:compute:Fleet");

    expect(instanceRoles).toHaveLength(3);
    expect(new Set(mocks.ofType(T.instance).map((r) => r.inputs.iamInstanceProfile)).size).toBe(3);
    for (const role of instanceRoles) {
      expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({
        Service: "ec2.amazonaws.com",
      });
    }
  });

  it("an instance role can write only its own bucket prefixes", async () => {
    const bucketArn = await resolveOutput(outputs.bucketArn);
    const servers = ["web01", "web02", "db01"];
    for (const server of servers) {
      const policy = JSON.parse(
        mocks.one(T.rolePolicy, `opsdeck-dev-fleet-${server}-backup-access`).inputs.policy,
      ) as PolicyDocument;
      const canPut = (key: string) =>
        isAllowed(policy, { action: "s3:PutObject", resource: `${bucketArn}/${key}` });

      expect(canPut(`backups/${server}/20250101T000000Z-etc.tar.gz`), server).toBe(true);
      expect(canPut(`hosts/${server}.json`), server).toBe(true);
      for (const other of servers.filter((s) => s !== server)) {
        expect(canPut(`backups/${other}/x.tar.gz`), `${server} → ${other}`).toBe(false);
        expect(canPut(`hosts/${other}.json`), `${server} → ${other}`).toBe(false);
      }
      expect(canPut("state/alerts.json"), server).toBe(false);
    }
  });

  it("web servers install nginx and serve a page naming the host", () => {
    for (const server of ["web01", "web02"]) {
      const userData: string = instanceOf(server).inputs.userData;
      expect(userData).toContain("dnf install -y nginx");
      expect(userData).toContain(`<h1>${server}</h1>`);
    }
    expect(instanceOf("db01").inputs.userData).toContain(
      `host all all ${MOCK_DEFAULT_VPC.cidrBlock} scram-sha-256`,
    );
  });
});

describe("network access", () => {
  const ingressOf = (groupName: string) =>
    mocks.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === groupId(groupName));

  it("no security group opens port 22 or 3389 to 0.0.0.0/0", () => {
    const coversPort = (rule: RecordedResource, port: number) =>
      rule.inputs.ipProtocol === "-1" || (rule.inputs.fromPort <= port && port <= rule.inputs.toPort);
    const worldOpen = mocks
      .ofType(T.ingress)
      .filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");

    for (const rule of worldOpen) {
      expect(coversPort(rule, 22), rule.name).toBe(false);
      expect(coversPort(rule, 3389), rule.name).toBe(false);
    }
    for (const group of mocks.ofType(T.securityGroup)) {
      expect(group.inputs.ingress, `${group.name} has no inline rules`).toBeUndefined();
    }
  });

  it("only the load balancer is reachable from the internet, on port 80", () => {
    const worldOpen = mocks.ofType(T.ingress).filter((r) => r.inputs.cidrIpv4 !== undefined);

    expect(worldOpen.map((r) => [r.inputs.securityGroupId, r.inputs.cidrIpv4, r.inputs.fromPort])).toEqual([
      [groupId("opsdeck-dev-lb-sg"), "0.0.0.0/0", 80],
    ]);
  });

  it("web servers accept port 80 only from the load balancer's group", () => {
    expect(ingressOf("opsdeck-dev-fleet-web").map((r) => r.inputs)).toEqual([
      expect.objectContaining({
        ipProtocol: "tcp",
        fromPort: 80,
        toPort: 80,
        referencedSecurityGroupId: groupId("opsdeck-dev-lb-sg"),
      }),
    ]);
    expect(instanceOf("web01").inputs.vpcSecurityGroupIds).toEqual([groupId("opsdeck-dev-fleet-web")]);
  });

  it("db servers accept their port only from the web group", () => {
    expect(ingressOf("opsdeck-dev-fleet-db").map((r) => r.inputs)).toEqual([
      expect.objectContaining({
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        referencedSecurityGroupId: groupId("opsdeck-dev-fleet-web"),
      }),
    ]);
    expect(instanceOf("db01").inputs.vpcSecurityGroupIds).toEqual([groupId("opsdeck-dev-fleet-db")]);
  });

  it("the load balancer may reach only the web servers' port", () => {
    const lbEgress = mocks
      .ofType(T.egress)
      .filter((r) => r.inputs.securityGroupId === groupId("opsdeck-dev-lb-sg"));

    expect(lbEgress.map((r) => r.inputs)).toEqual([
      expect.objectContaining({
        ipProtocol: "tcp",
        fromPort: 80,
        toPort: 80,
        referencedSecurityGroupId: groupId("opsdeck-dev-fleet-web"),
      }),
    ]);
  });
});

describe("load balancer", () => {
  it("is an internet-facing ALB over the default VPC's subnets, with its own group, dropping invalid headers", () => {
    const alb = mocks.one(T.alb);
    const lbId = groupId("opsdeck-dev-lb-sg");

    expect(alb.inputs).toMatchObject({
      loadBalancerType: "application",
      internal: false,
      dropInvalidHeaderFields: true,
      securityGroups: [lbId],
    });
    expect(alb.inputs.subnets).toEqual([...MOCK_DEFAULT_SUBNETS].sort());
  });

  it("only web servers are load-balancer targets", () => {
    const targets = mocks.ofType(T.attachment).map((r) => r.inputs.targetId);

    expect(targets.sort()).toEqual([instanceOf("web01").id, instanceOf("web02").id].sort());
    expect(targets).not.toContain(instanceOf("db01").id);
    expect(mocks.ofType(T.attachment).every((r) => r.inputs.port === 80)).toBe(true);
  });

  it("health-checks the web servers over HTTP as configured", () => {
    expect(mocks.one(T.targetGroup).inputs).toMatchObject({
      targetType: "instance",
      protocol: "HTTP",
      port: 80,
      vpcId: MOCK_DEFAULT_VPC.id,
      healthCheck: {
        enabled: true,
        path: "/",
        matcher: "200-399",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
  });

  it("listens on HTTP 80 and forwards to the target group when no certificate is configured", () => {
    const listener = mocks.one(T.listener);
    const targetGroupArn = mocks.one(T.targetGroup).outputs.arn;

    expect(listener.inputs).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(listener.inputs.defaultActions).toEqual([{ type: "forward", targetGroupArn }]);
  });

  it("exports its config as a plain document: frontend port and web backends with private IPs", async () => {
    const config = await resolveOutput(outputs.lbConfig);
    const privateIps = {
      web01: instanceOf("web01").outputs.privateIp,
      web02: instanceOf("web02").outputs.privateIp,
    };

    expect(config.frontend).toMatchObject({
      protocol: "HTTP",
      port: 80,
      dnsName: await resolveOutput(outputs.albDnsName),
    });
    expect(config.backends).toEqual([
      { name: "web01", privateIp: privateIps.web01, port: 80 },
      { name: "web02", privateIp: privateIps.web02, port: 80 },
    ]);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });
});

describe("the stack as a whole", () => {
  it("every taggable resource carries the tag set", () => {
    const expected = tagSet({ project: "opsdeck", stack: "dev", owner: "platform-team" });
    const taggable = mocks.resources.filter((r) => r.type.startsWith("aws:") && isTaggableAwsType(r.type));

    expect(taggable.length).toBeGreaterThan(20);
    for (const resource of taggable) expect(resource.inputs.tags, resource.name).toMatchObject(expected);
  });

  it("root volumes carry the tag set too", () => {
    const expected = tagSet({ project: "opsdeck", stack: "dev", owner: "platform-team" });

    for (const instance of mocks.ofType(T.instance)) {
      expect(instance.inputs.rootBlockDevice.tags, instance.name).toMatchObject(expected);
    }
  });

  it("every AWS resource belongs to one of the stack's components", () => {
    const components = mocks.resources.filter((r) => !r.custom && r.type.startsWith("opsdeck:"));

    expect(components.map((r) => r.type).sort()).toEqual([
      "opsdeck:compute:Fleet",
      "opsdeck:compute:FleetAgent",
      "opsdeck:dashboard:DashboardService",
      "opsdeck:images:ContainerImage",
      "opsdeck:kubernetes:KubernetesPods",
      "opsdeck:network:LoadBalancer",
      "opsdeck:storage:BackupBucket",
    ]);
    for (const resource of mocks.resources.filter((r) => r.custom)) {
      expect(mocks.byUrn(resource.parent ?? "")?.custom, resource.name).toBe(false);
    }
  });

  it("calls only data sources the mocks answer, and reads the default VPC", () => {
    expect(mocks.unexpectedCalls).toEqual([]);
    expect(mocks.calls).toContainEqual({ token: "aws:ec2/getVpc:getVpc", inputs: { default: true } });
  });

  it("outputs the bucket, each server's instance id and private IP, and the ALB's DNS name and URL", async () => {
    const dnsName = await resolveOutput(outputs.albDnsName);

    expect(await resolveOutput(outputs.bucketName)).toMatch(/^opsdeck-dev-backups-/);
    expect(Object.keys(outputs.instanceIds)).toEqual(["web01", "web02", "db01"]);
    expect(Object.keys(outputs.privateIps)).toEqual(["web01", "web02", "db01"]);
    expect(await resolveOutput(outputs.instanceIds.db01)).toBe(instanceOf("db01").id);
    expect(await resolveOutput(outputs.privateIps.db01)).toBe(instanceOf("db01").outputs.privateIp);
    expect(await resolveOutput(outputs.albUrl)).toBe(`http://${dnsName}`);
  });
});
