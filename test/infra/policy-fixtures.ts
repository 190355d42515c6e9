/**
 * Deliberately non-compliant resources, one or more per policy, as a preview would show them (type,
 * inputs, property dependencies). Each entry names the policy it must trip.
 */
import type { PolicySubject } from "../../infra/policy/rules";

const urn = (type: string, name: string) => `urn:pulumi:bad::opsdeck::${type}::${name}`;

function subject(
  type: string,
  name: string,
  props: Record<string, unknown>,
  propertyDependencies: Record<string, string[]> = {},
): PolicySubject {
  return { urn: urn(type, name), type, name, props, propertyDependencies };
}

const BUCKET = "aws:s3/bucket:Bucket";
const bucket = (name: string) => subject(BUCKET, name, { forceDestroy: false });
const onBucket = (type: string, name: string, bucketName: string, props: Record<string, unknown>) =>
  subject(type, name, { bucket: `${bucketName}-id`, ...props }, { bucket: [urn(BUCKET, bucketName)] });

/** A bucket with a public access block that leaves one flag off, no encryption and a policy without the TLS deny. */
export const badBuckets: PolicySubject[] = [
  bucket("leaky"),
  onBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "leaky-pab", "leaky", {
    blockPublicAcls: true,
    blockPublicPolicy: false,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  }),
  onBucket("aws:s3/bucketPolicy:BucketPolicy", "leaky-policy", "leaky", {
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::leaky/*" },
      ],
    }),
  }),
  bucket("bare"),
];

const FUNCTION = "aws:lambda/function:Function";
const PERMISSION = "aws:lambda/permission:Permission";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const KMS_KEY = "aws:kms/key:Key";
const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
const fn = (name: string) => subject(FUNCTION, name, { packageType: "Image" });
/** A Lambda permission on function `fnName`, linked to it as `function: fn.name` links it. */
const permissionOn = (name: string, fnName: string, props: Record<string, unknown>, extra = {}) =>
  subject(PERMISSION, name, { function: fnName, ...props }, { function: [urn(FUNCTION, fnName)], ...extra });
const publicUrl = (fnName: string) =>
  subject(
    "aws:lambda/functionUrl:FunctionUrl",
    `${fnName}-url`,
    { functionName: fnName, authorizationType: "NONE" },
    { functionName: [urn(FUNCTION, fnName)] },
  );
/** A public URL on alias `live` of function `fnName`. */
const publicLiveUrl = (fnName: string) =>
  subject(
    "aws:lambda/functionUrl:FunctionUrl",
    `${fnName}-live-url`,
    { functionName: fnName, qualifier: "live", authorizationType: "NONE" },
    { functionName: [urn(FUNCTION, fnName)] },
  );
const rolePolicy = (name: string, role: string, statements: unknown[], keyName?: string) =>
  subject(
    ROLE_POLICY,
    name,
    { role, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
    { role: [urn(ROLE, role)], ...(keyName === undefined ? {} : { policy: [urn(KMS_KEY, keyName)] }) },
  );
const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1111";
const useKey = { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: KEY_ARN };
/** A schedule targeting function `fnName`, linked as `rule: rule.name, arn: fn.arn` link them. */
const scheduleOf = (ruleName: string, fnName: string) => [
  subject(EVENT_RULE, ruleName, { scheduleExpression: "rate(5 minutes)" }),
  subject(
    "aws:cloudwatch/eventTarget:EventTarget",
    `${ruleName}-target`,
    { rule: ruleName, arn: `arn:aws:lambda:eu-west-1:123456789012:function:${fnName}` },
    { rule: [urn(EVENT_RULE, ruleName)], arn: [urn(FUNCTION, fnName)] },
  ),
];

export const badResources: { policy: string; subjects: PolicySubject[]; expected: RegExp }[] = [
  {
    policy: "lambda-public-url-permissions",
    subjects: [
      fn("alias-url"),
      publicLiveUrl("alias-url"),
      permissionOn("alias-url-public", "alias-url", {
        action: "lambda:InvokeFunctionUrl",
        principal: "*",
        functionUrlAuthType: "NONE",
      }),
      permissionOn("alias-url-invoke", "alias-url", {
        action: "lambda:InvokeFunction",
        principal: "*",
        invokedViaFunctionUrl: true,
      }),
    ],
    expected:
      /\(authorizationType NONE, qualifier live\) has no lambda:InvokeFunctionUrl permission[^\n]*; it is granted on the unqualified function/,
  },
  {
    policy: "eventbridge-lambda-permission",
    subjects: [
      subject(EVENT_RULE, "to-alias", { scheduleExpression: "rate(5 minutes)" }),
      subject(
        "aws:cloudwatch/eventTarget:EventTarget",
        "to-alias-target",
        { rule: "to-alias", arn: "arn:aws:lambda:eu-west-1:123456789012:function:aliased:live" },
        { rule: [urn(EVENT_RULE, "to-alias")] },
      ),
      subject(
        PERMISSION,
        "aliased-invoke",
        {
          function: "aliased",
          action: "lambda:InvokeFunction",
          principal: "events.amazonaws.com",
          sourceArn: "arn:aws:events:eu-west-1:123456789012:rule/to-alias",
        },
        { sourceArn: [urn(EVENT_RULE, "to-alias")] },
      ),
    ],
    expected:
      /qualifier live, which has no lambda:InvokeFunction permission[^\n]*granted on the unqualified function/,
  },
  {
    policy: "s3-bucket-public-access-blocked",
    subjects: badBuckets,
    expected: /leaves blockPublicPolicy off/,
  },
  { policy: "s3-bucket-public-access-blocked", subjects: badBuckets, expected: /has no public access block/ },
  { policy: "s3-bucket-encrypted", subjects: badBuckets, expected: /has no default encryption/ },
  { policy: "s3-bucket-tls-only", subjects: badBuckets, expected: /denying requests without TLS/ },
  {
    policy: "no-ssh-rdp-from-internet",
    subjects: [
      subject("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "0.0.0.0/0",
      }),
    ],
    expected: /opens port 22 to the internet/,
  },
  {
    policy: "no-ssh-rdp-from-internet",
    subjects: [
      subject("aws:ec2/securityGroup:SecurityGroup", "inline", {
        ingress: [{ protocol: "tcp", fromPort: 3000, toPort: 4000, ipv6CidrBlocks: ["::/0"] }],
      }),
    ],
    expected: /opens port 3389 to the internet \(::\/0\)/,
  },
  {
    policy: "no-ssh-rdp-from-internet",
    subjects: [
      subject("aws:ec2/securityGroupRule:SecurityGroupRule", "all", {
        type: "ingress",
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        cidrBlocks: ["0.0.0.0/0"],
      }),
    ],
    expected: /opens port 22/,
  },
  {
    policy: "ec2-imdsv2-required",
    subjects: [
      subject("aws:ec2/instance:Instance", "imdsv1", { metadataOptions: { httpTokens: "optional" } }),
    ],
    expected: /does not require IMDSv2/,
  },
  {
    policy: "ec2-volumes-encrypted",
    subjects: [
      subject("aws:ec2/instance:Instance", "plain-root", {
        rootBlockDevice: { encrypted: false },
        ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }],
      }),
    ],
    expected: /root volume is not encrypted/,
  },
  {
    policy: "ec2-volumes-encrypted",
    subjects: [subject("aws:ebs/volume:Volume", "data", { size: 10 })],
    expected: /volume is not encrypted/,
  },
  {
    policy: "lambda-log-retention-set",
    subjects: [subject("aws:lambda/function:Function", "default-logs", { packageType: "Image" })],
    expected: /log group the stack does not manage/,
  },
  {
    policy: "lambda-log-retention-set",
    subjects: [
      subject("aws:cloudwatch/logGroup:LogGroup", "forever", { name: "/aws/lambda/forever" }),
      subject(
        "aws:lambda/function:Function",
        "forever-logs",
        { loggingConfig: { logFormat: "Text", logGroup: "/aws/lambda/forever" } },
        { loggingConfig: [urn("aws:cloudwatch/logGroup:LogGroup", "forever")] },
      ),
    ],
    expected: /without retentionInDays/,
  },
  {
    policy: "ecr-scan-on-push",
    subjects: [subject("aws:ecr/repository:Repository", "unscanned", { imageTagMutability: "MUTABLE" })],
    expected: /does not scan images on push/,
  },
  {
    policy: "ecr-scan-on-push",
    subjects: [
      subject("awsx:ecr:Repository", "unscanned-awsx", { imageScanningConfiguration: { scanOnPush: false } }),
    ],
    expected: /does not scan images on push/,
  },
  {
    policy: "pods-non-root-with-limits",
    subjects: [
      subject("kubernetes:core/v1:Pod", "root-pod", {
        metadata: { name: "root-pod" },
        spec: { containers: [{ name: "app", image: "nginx", resources: { limits: { cpu: "1" } } }] },
      }),
    ],
    expected:
      /container app may run as root[\s\S]*container app has no CPU and memory limits|container app has no CPU/,
  },
  {
    policy: "pods-non-root-with-limits",
    subjects: [
      subject("kubernetes:core/v1:Pod", "uid-zero", {
        metadata: { name: "uid-zero" },
        spec: {
          securityContext: { runAsNonRoot: true },
          containers: [
            {
              name: "app",
              image: "nginx",
              securityContext: { runAsUser: 0 },
              resources: { limits: { cpu: "1", memory: "1Gi" } },
            },
          ],
        },
      }),
    ],
    expected: /container app may run as root/,
  },
  {
    policy: "lambda-public-url-permissions",
    subjects: [
      fn("url-only"),
      publicUrl("url-only"),
      permissionOn("url-only-public", "url-only", {
        action: "lambda:InvokeFunctionUrl",
        principal: "*",
        functionUrlAuthType: "NONE",
      }),
    ],
    expected: /no lambda:InvokeFunction permission for principal "\*" with invokedViaFunctionUrl/,
  },
  {
    policy: "lambda-public-url-permissions",
    subjects: [
      fn("invoke-anywhere"),
      publicUrl("invoke-anywhere"),
      permissionOn("invoke-anywhere-any", "invoke-anywhere", {
        action: "lambda:InvokeFunction",
        principal: "*",
      }),
    ],
    expected: /no lambda:InvokeFunctionUrl permission[\s\S]*no lambda:InvokeFunction permission/,
  },
  {
    policy: "alb-two-availability-zones",
    subjects: [
      subject("aws:lb/loadBalancer:LoadBalancer", "one-subnet", {
        loadBalancerType: "application",
        subnets: ["subnet-0a1111111111111a1"],
      }),
    ],
    expected: /has 1 subnet\(s\)/,
  },
  {
    policy: "alb-two-availability-zones",
    subjects: [
      subject("aws:ec2/subnet:Subnet", "a1", { availabilityZone: "eu-west-1a", cidrBlock: "10.0.1.0/24" }),
      subject("aws:ec2/subnet:Subnet", "a2", { availabilityZone: "eu-west-1a", cidrBlock: "10.0.2.0/24" }),
      subject(
        "aws:lb/loadBalancer:LoadBalancer",
        "one-zone",
        { subnets: ["a1-id", "a2-id"] },
        { subnets: [urn("aws:ec2/subnet:Subnet", "a1"), urn("aws:ec2/subnet:Subnet", "a2")] },
      ),
    ],
    expected: /all in one Availability Zone \(eu-west-1a\)/,
  },
  {
    policy: "s3-list-bucket-on-bucket-with-prefix",
    subjects: [
      rolePolicy("list-objects", "lister", [
        { Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::backups/*" },
      ]),
    ],
    expected:
      /statement List: s3:ListBucket on arn:aws:s3:::backups\/\* \(must be the bucket ARN[\s\S]*without an s3:prefix condition/,
  },
  {
    policy: "s3-list-bucket-on-bucket-with-prefix",
    subjects: [
      rolePolicy("read-bucket", "reader", [
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::backups" },
      ]),
    ],
    expected: /statement 0: s3:GetObject, s3:PutObject on arn:aws:s3:::backups \(must be object ARNs/,
  },
  {
    policy: "kms-key-policy-allows-users",
    subjects: [
      subject(ROLE, "a-role", {}),
      subject(ROLE, "b-role", {}),
      subject(
        KMS_KEY,
        "named-key",
        {
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::123456789012:role/a-role" },
                Action: "kms:*",
                Resource: "*",
              },
            ],
          }),
        },
        { policy: [urn(ROLE, "a-role")] },
      ),
      rolePolicy("a-access", "a-role", [useKey], "named-key"),
      rolePolicy("b-access", "b-role", [useKey], "named-key"),
    ],
    expected: /key policy does not allow role b-role to use the key \(kms:GenerateDataKey, kms:Decrypt\)/,
  },
  {
    policy: "eventbridge-lambda-permission",
    subjects: [fn("unreachable"), ...scheduleOf("every-5m", "unreachable")],
    expected: /no lambda:InvokeFunction permission for principal events.amazonaws.com \(rule every-5m\)/,
  },
  {
    policy: "eventbridge-lambda-permission",
    subjects: [
      fn("other-rule"),
      ...scheduleOf("nightly", "other-rule"),
      subject(EVENT_RULE, "hourly", { scheduleExpression: "rate(1 hour)" }),
      permissionOn(
        "other-rule-invoke",
        "other-rule",
        { action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: "hourly-arn" },
        { sourceArn: [urn(EVENT_RULE, "hourly")] },
      ),
    ],
    expected: /not limited to rule nightly/,
  },
];
