/**
 * opsdeck's mandatory policies as pure functions over resources as Pulumi describes them (type token,
 * properties, property dependencies). The @pulumi/policy pack (index.ts), the offline plan and the
 * tests all run these same functions.
 *
 * A check reads properties plainly. When a value is unknown (a preview), reading it throws: the policy
 * pack turns that into Pulumi's "can't run during preview" advisory, the offline plan into "unknown".
 */
import { awsSemanticsPolicies } from "./aws-semantics";

/** A resource as a policy sees it. */
export interface PolicySubject {
  urn: string;
  type: string;
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: resource properties are untyped JSON-like values by nature.
  props: Record<string, any>;
  /** For each property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, readonly string[]>;
}

/** A policy over single resources of some types: returns what is wrong, empty when compliant. */
export interface ResourcePolicy {
  kind: "resource";
  name: string;
  description: string;
  types: readonly string[];
  check(subject: PolicySubject): string[];
}

/** A policy over how resources relate (a bucket and its settings): one check per target resource. */
export interface StackPolicy {
  kind: "stack";
  name: string;
  description: string;
  targets(subjects: readonly PolicySubject[]): PolicySubject[];
  check(target: PolicySubject, subjects: readonly PolicySubject[]): string[];
}

export type OpsdeckPolicy = ResourcePolicy | StackPolicy;

const BUCKET = "aws:s3/bucket:Bucket";
const INTERNET = ["0.0.0.0/0", "::/0"];
const ADMIN_PORTS = [22, 3389];

// ---------------------------------------------------------------------------------------------- S3

/** The resources of `type` configuring `bucket`: linked through their `bucket` input's dependency. */
function attachedTo(
  bucket: PolicySubject,
  subjects: readonly PolicySubject[],
  type: string,
): PolicySubject[] {
  return subjects.filter(
    (subject) => subject.type === type && (subject.propertyDependencies.bucket ?? []).includes(bucket.urn),
  );
}

function publicAccessBlockProblems(bucket: PolicySubject, subjects: readonly PolicySubject[]): string[] {
  const blocks = attachedTo(bucket, subjects, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
  if (blocks.length === 0) return ["has no public access block"];
  const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
  const off = flags.filter((flag) => !blocks.some((block) => block.props[flag] === true));
  return off.length === 0 ? [] : [`public access block leaves ${off.join(", ")} off`];
}

function encryptionProblems(bucket: PolicySubject, subjects: readonly PolicySubject[]): string[] {
  const configs = attachedTo(
    bucket,
    subjects,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  );
  const algorithms = configs.flatMap((config) =>
    (config.props.rules ?? []).map(
      (rule: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }) =>
        rule.applyServerSideEncryptionByDefault?.sseAlgorithm,
    ),
  );
  const encrypted = algorithms.some((algorithm) => ["aws:kms", "aws:kms:dsse", "AES256"].includes(algorithm));
  return encrypted ? [] : ["has no default encryption (aws:kms or AES256)"];
}

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function deniesInsecureTransport(statement: Statement): boolean {
  const list = (value: unknown) => (Array.isArray(value) ? value : [value]);
  const principal = statement.Principal;
  const everyone = principal === "*" || list((principal as { AWS?: unknown } | undefined)?.AWS).includes("*");
  const resources = list(statement.Resource).map(String);
  return (
    statement.Effect === "Deny" &&
    everyone &&
    list(statement.Action).includes("s3:*") &&
    list(statement.Condition?.Bool?.["aws:SecureTransport"]).map(String).includes("false") &&
    resources.some((resource) => resource.endsWith("/*")) &&
    resources.some((resource) => !resource.endsWith("/*"))
  );
}

function tlsOnlyProblems(bucket: PolicySubject, subjects: readonly PolicySubject[]): string[] {
  const policies = attachedTo(bucket, subjects, "aws:s3/bucketPolicy:BucketPolicy");
  const statements = policies.flatMap((policy) => {
    const document =
      typeof policy.props.policy === "string" ? JSON.parse(policy.props.policy) : policy.props.policy;
    return (document?.Statement ?? []) as Statement[];
  });
  return statements.some(deniesInsecureTransport)
    ? []
    : [
        "has no bucket policy denying requests without TLS (aws:SecureTransport false) to the bucket and its objects",
      ];
}

function bucketPolicy(
  name: string,
  description: string,
  problems: (bucket: PolicySubject, subjects: readonly PolicySubject[]) => string[],
): StackPolicy {
  return {
    kind: "stack",
    name,
    description,
    targets: (subjects) => subjects.filter((subject) => subject.type === BUCKET),
    check: problems,
  };
}

// --------------------------------------------------------------------------------------------- EC2

interface IngressRange {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrs: string[];
}

/** Ingress rules however they are written: a rule resource, a legacy rule, or inline in a group. */
function ingressRanges(subject: PolicySubject): IngressRange[] {
  const { props } = subject;
  switch (subject.type) {
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
      return [
        {
          protocol: String(props.ipProtocol),
          fromPort: props.fromPort,
          toPort: props.toPort,
          cidrs: [props.cidrIpv4, props.cidrIpv6].filter((cidr) => cidr !== undefined),
        },
      ];
    case "aws:ec2/securityGroupRule:SecurityGroupRule":
      if (props.type !== "ingress") return [];
      return [
        {
          protocol: String(props.protocol),
          fromPort: props.fromPort,
          toPort: props.toPort,
          cidrs: [...(props.cidrBlocks ?? []), ...(props.ipv6CidrBlocks ?? [])],
        },
      ];
    case "aws:ec2/securityGroup:SecurityGroup":
      return (props.ingress ?? []).map(
        (rule: {
          protocol: string;
          fromPort?: number;
          toPort?: number;
          cidrBlocks?: string[];
          ipv6CidrBlocks?: string[];
        }) => ({
          protocol: String(rule.protocol),
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          cidrs: [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])],
        }),
      );
    default:
      return [];
  }
}

function opensToInternet(range: IngressRange, port: number): boolean {
  if (!range.cidrs.some((cidr) => INTERNET.includes(cidr))) return false;
  if (range.protocol === "-1" || range.protocol === "all") return true;
  if (!["tcp", "6"].includes(range.protocol.toLowerCase())) return false;
  return (range.fromPort ?? 0) <= port && port <= (range.toPort ?? 65535);
}

function checkAdminPorts(subject: PolicySubject): string[] {
  return ingressRanges(subject).flatMap((range) =>
    ADMIN_PORTS.filter((port) => opensToInternet(range, port)).map(
      (port) =>
        `opens port ${port} to the internet (${range.cidrs.filter((c) => INTERNET.includes(c)).join(", ")})`,
    ),
  );
}

function checkImdsV2(subject: PolicySubject): string[] {
  return subject.props.metadataOptions?.httpTokens === "required"
    ? []
    : ["does not require IMDSv2 (metadataOptions.httpTokens: required)"];
}

function checkVolumesEncrypted(subject: PolicySubject): string[] {
  const { props } = subject;
  if (subject.type === "aws:ebs/volume:Volume")
    return props.encrypted === true ? [] : ["volume is not encrypted"];
  const problems: string[] = [];
  if (props.rootBlockDevice?.encrypted !== true) problems.push("root volume is not encrypted");
  (props.ebsBlockDevices ?? []).forEach((device: { deviceName?: string; encrypted?: boolean }) => {
    if (device.encrypted !== true)
      problems.push(`volume ${device.deviceName ?? "(unnamed)"} is not encrypted`);
  });
  return problems;
}

// ------------------------------------------------------------------------------------- Lambda, ECR

/** A function's logs go to a log group the stack manages, and that group has a retention period. */
function lambdaRetentionProblems(fn: PolicySubject, subjects: readonly PolicySubject[]): string[] {
  const groups = subjects.filter((subject) => subject.type === "aws:cloudwatch/logGroup:LogGroup");
  const linked = groups.filter((group) => (fn.propertyDependencies.loggingConfig ?? []).includes(group.urn));
  if (linked.length === 0)
    return [
      "logs to a log group the stack does not manage (set loggingConfig.logGroup to one with retentionInDays)",
    ];
  return linked.some((group) => Number(group.props.retentionInDays) > 0)
    ? []
    : ["logs to a log group without retentionInDays (kept forever)"];
}

function checkScanOnPush(subject: PolicySubject): string[] {
  return subject.props.imageScanningConfiguration?.scanOnPush === true
    ? []
    : ["does not scan images on push (imageScanningConfiguration.scanOnPush: true)"];
}

// ------------------------------------------------------------------------------------- Kubernetes

interface ContainerLike {
  name?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  resources?: { limits?: { cpu?: string; memory?: string } };
}

interface PodLike {
  metadata?: { name?: string };
  spec?: {
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
    containers?: ContainerLike[];
    initContainers?: ContainerLike[];
  };
}

/** Pods run as non-root (Pod or container level, never uid 0) and every container has CPU and memory limits. */
export function checkPod(pod: PodLike): string[] {
  const spec = pod.spec ?? {};
  const podNonRoot = spec.securityContext?.runAsNonRoot === true;
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  return containers.flatMap((container) => {
    const name = container.name ?? "(unnamed)";
    const problems: string[] = [];
    const nonRoot = container.securityContext?.runAsNonRoot ?? podNonRoot;
    const uid = container.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
    if (nonRoot !== true || uid === 0)
      problems.push(`container ${name} may run as root (runAsNonRoot: true)`);
    const limits = container.resources?.limits;
    if (limits?.cpu === undefined || limits.memory === undefined)
      problems.push(`container ${name} has no CPU and memory limits`);
    return problems;
  });
}

// ----------------------------------------------------------------------------------------- the list

export const opsdeckPolicies: readonly OpsdeckPolicy[] = [
  bucketPolicy(
    "s3-bucket-public-access-blocked",
    "S3 buckets block all public access (all four public access block settings on).",
    publicAccessBlockProblems,
  ),
  bucketPolicy(
    "s3-bucket-encrypted",
    "S3 buckets encrypt objects by default (aws:kms or AES256).",
    encryptionProblems,
  ),
  bucketPolicy("s3-bucket-tls-only", "S3 buckets deny every request made without TLS.", tlsOnlyProblems),
  {
    kind: "resource",
    name: "no-ssh-rdp-from-internet",
    description: "No security group opens port 22 (SSH) or 3389 (RDP) to 0.0.0.0/0 or ::/0.",
    types: [
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "aws:ec2/securityGroupRule:SecurityGroupRule",
      "aws:ec2/securityGroup:SecurityGroup",
    ],
    check: checkAdminPorts,
  },
  {
    kind: "resource",
    name: "ec2-imdsv2-required",
    description: "EC2 instances and launch templates require IMDSv2 session tokens.",
    types: ["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"],
    check: checkImdsV2,
  },
  {
    kind: "resource",
    name: "ec2-volumes-encrypted",
    description: "EBS volumes (instance root and data volumes, standalone volumes) are encrypted.",
    types: ["aws:ec2/instance:Instance", "aws:ebs/volume:Volume"],
    check: checkVolumesEncrypted,
  },
  {
    kind: "stack",
    name: "lambda-log-retention-set",
    description: "Lambda functions log to a managed log group with a retention period.",
    targets: (subjects) => subjects.filter((subject) => subject.type === "aws:lambda/function:Function"),
    check: lambdaRetentionProblems,
  },
  {
    kind: "resource",
    name: "ecr-scan-on-push",
    description: "ECR repositories scan every pushed image.",
    types: ["aws:ecr/repository:Repository", "awsx:ecr:Repository"],
    check: checkScanOnPush,
  },
  {
    kind: "resource",
    name: "pods-non-root-with-limits",
    description: "Kubernetes Pods run as non-root and every container has CPU and memory limits.",
    types: ["kubernetes:core/v1:Pod"],
    check: (subject) => checkPod(subject.props as PodLike),
  },
  ...awsSemanticsPolicies,
];
