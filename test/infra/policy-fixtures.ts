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

export const badResources: { policy: string; subjects: PolicySubject[]; expected: RegExp }[] = [
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
];
