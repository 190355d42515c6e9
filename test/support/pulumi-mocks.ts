/**
 * Pulumi's mock runtime, set up the way opsdeck's tests (and the offline plan) need it: stack config,
 * a record of every registered resource (type, name, inputs, parent, options), answers for every
 * data source the program calls, and a failure for any call nobody expected.
 *
 * Usage: `const mocks = await installPulumiMocks({ config })`, then build the program (call
 * `createStack(loadConfig())` or `await import()` infra/index), then `await mocks.settle()`.
 * Mocks are the one place fakes are allowed: no cloud is reachable from the tests.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";

// biome-ignore lint/suspicious/noExplicitAny: resource inputs are untyped JSON-like values by nature.
export type Inputs = Record<string, any>;

export interface RecordedResource {
  urn: string;
  /** Type token, e.g. `aws:s3/bucket:Bucket` or `opsdeck:storage:BackupBucket`. */
  type: string;
  /** Logical name. */
  name: string;
  inputs: Inputs;
  /** The id the mocks answered with (what dependants receive as `.id`). */
  id: string;
  /** The state the mocks answered with: inputs plus computed outputs such as `arn`. */
  outputs: Inputs;
  /** URN of the parent resource (the stack itself for top-level components). */
  parent: string | undefined;
  /** False for component resources. */
  custom: boolean;
  ignoreChanges: string[];
  /** URNs from `dependsOn` (and parent dependencies). */
  dependencies: string[];
}

export interface RecordedCall {
  token: string;
  inputs: Inputs;
}

/** Computes a data source's result from its arguments. */
export type DataSourceAnswer = (inputs: Inputs) => Record<string, unknown>;

export const MOCK_REGION = "eu-west-1";
export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_DEFAULT_VPC = { id: "vpc-0d1e2f3a4b5c6d7e8", cidrBlock: "172.31.0.0/16" };
export const MOCK_DEFAULT_SUBNETS = [
  "subnet-0c3333333333333c3",
  "subnet-0a1111111111111a1",
  "subnet-0b2222222222222b2",
];
/** What the public Amazon Linux 2023 SSM parameters answer, by parameter name. */
export const MOCK_AL2023_AMIS: Record<string, string> = {
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64": "ami-0a2023a2023a2023a",
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64": "ami-0b2023b2023b2023b",
};

/** Answers for every data source the program calls, keyed by invoke token. */
export const dataSourceAnswers: Record<string, DataSourceAnswer> = {
  "aws:index/getPartition:getPartition": () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "aws:ec2/getVpc:getVpc": (inputs) => {
    const id: string = inputs.id ?? MOCK_DEFAULT_VPC.id;
    return {
      id,
      arn: `arn:aws:ec2:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:vpc/${id}`,
      cidrBlock: id === MOCK_DEFAULT_VPC.id ? MOCK_DEFAULT_VPC.cidrBlock : "10.20.0.0/16",
      default: id === MOCK_DEFAULT_VPC.id,
      region: MOCK_REGION,
      state: "available",
    };
  },
  "aws:ec2/getSubnets:getSubnets": (inputs) => {
    const vpcFilter = (inputs.filters ?? []).find((filter: Inputs) => filter.name === "vpc-id");
    if (vpcFilter?.values?.[0] !== MOCK_DEFAULT_VPC.id)
      throw new Error(
        `mock getSubnets only knows the default VPC, asked for ${JSON.stringify(inputs.filters)}`,
      );
    return { id: MOCK_REGION, ids: MOCK_DEFAULT_SUBNETS, region: MOCK_REGION, tags: {} };
  },
  "aws:ssm/getParameter:getParameter": (inputs) => {
    const ami = MOCK_AL2023_AMIS[inputs.name];
    if (ami === undefined) throw new Error(`mock SSM has no parameter ${inputs.name}`);
    return {
      id: inputs.name,
      arn: `arn:aws:ssm:${MOCK_REGION}::parameter${inputs.name}`,
      name: inputs.name,
      type: "String",
      value: ami,
      insecureValue: ami,
      version: 1,
      region: MOCK_REGION,
    };
  },
};

function digest(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * The state a provider would return for a new resource: the inputs plus the computed outputs the
 * program reads (ids, ARNs, names chosen by auto-naming, DNS names, private IPs), all deterministic.
 */
export function mockResourceState(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
  const { type, name, inputs } = args;
  const arn = (service: string, resource: string, region = MOCK_REGION) =>
    `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
  const autoName = (given: unknown) => (typeof given === "string" ? given : `${name}-${digest(name, 7)}`);
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = autoName(inputs.bucket);
      return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:kms/key:Key": {
      const keyId = `${digest(name, 8)}-${digest(`${name}1`, 4)}-${digest(`${name}2`, 4)}-${digest(`${name}3`, 4)}-${digest(`${name}4`, 12)}`;
      return { id: keyId, state: { ...inputs, keyId, arn: arn("kms", `key/${keyId}`) } };
    }
    case "aws:iam/role:Role":
    case "aws:iam/instanceProfile:InstanceProfile": {
      const resourceName = autoName(inputs.name);
      const kind = type === "aws:iam/role:Role" ? "role" : "instance-profile";
      return {
        id: resourceName,
        state: { ...inputs, name: resourceName, arn: arn("iam", `${kind}/${resourceName}`, "") },
      };
    }
    case "aws:ec2/securityGroup:SecurityGroup": {
      const id = `sg-0${digest(name, 16)}`;
      return {
        id,
        state: { ...inputs, name: autoName(inputs.name), arn: arn("ec2", `security-group/${id}`) },
      };
    }
    case "aws:ec2/instance:Instance": {
      const id = `i-0${digest(name, 16)}`;
      const bytes = createHash("sha256").update(name).digest();
      const privateIp = `172.31.${(bytes[0] ?? 0) % 200}.${((bytes[1] ?? 0) % 250) + 4}`;
      return { id, state: { ...inputs, privateIp, arn: arn("ec2", `instance/${id}`) } };
    }
    case "aws:lb/loadBalancer:LoadBalancer": {
      const lbName = autoName(inputs.name);
      const dnsName = `${lbName}-${parseInt(digest(name, 8), 16)}.${MOCK_REGION}.elb.amazonaws.com`;
      return {
        id: lbName,
        state: {
          ...inputs,
          name: lbName,
          dnsName,
          arn: arn("elasticloadbalancing", `loadbalancer/app/${lbName}/${digest(name, 16)}`),
        },
      };
    }
    case "aws:lb/targetGroup:TargetGroup": {
      const tgName = autoName(inputs.name);
      return {
        id: tgName,
        state: {
          ...inputs,
          name: tgName,
          arn: arn("elasticloadbalancing", `targetgroup/${tgName}/${digest(name, 16)}`),
        },
      };
    }
    default:
      return { id: `${name}-id`, state: { ...inputs, arn: inputs.arn ?? arn("mock", `${type}/${name}`) } };
  }
}

export interface PulumiMockOptions {
  project?: string;
  stack?: string;
  /** Stack config by full key (`opsdeck:servers`); non-string values are stored as JSON text, as Pulumi does. */
  config?: Record<string, unknown>;
  /** Full keys whose values were set with `--secret`. */
  secretKeys?: readonly string[];
  /** Extra or replacement data-source answers, by invoke token. */
  dataSources?: Record<string, DataSourceAnswer>;
}

export interface PulumiMockSession {
  readonly resources: RecordedResource[];
  readonly calls: RecordedCall[];
  /** Data-source tokens the program called that have no answer. */
  readonly unexpectedCalls: string[];
  /** Waits until every registration has reached the mocks; fails if an unexpected call happened. */
  settle(): Promise<void>;
  ofType(type: string): RecordedResource[];
  /** The only resource of `type` (optionally with `name`); throws if there is not exactly one. */
  one(type: string, name?: string): RecordedResource;
  byUrn(urn: string): RecordedResource | undefined;
}

interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getIgnorechangesList(): string[];
  getDependenciesList(): string[];
}

/** Installs the mocks and the stack config. Call before building the program. */
export async function installPulumiMocks(options: PulumiMockOptions = {}): Promise<PulumiMockSession> {
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  const unexpectedCalls: string[] = [];
  const answers = { ...dataSourceAnswers, ...options.dataSources };

  const configText = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
  pulumi.runtime.setAllConfig(configText, [...(options.secretKeys ?? [])]);

  // The registration request currently being handed to `newResource` (see the monitor wrapper below).
  let pending: MonitorRequest | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const request = pending;
        pending = undefined;
        const result = mockResourceState(args);
        const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${args.type}::${args.name}`;
        resources.push({
          urn: request === undefined ? urn : qualifiedUrn(request),
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          id: result.id ?? "",
          outputs: result.state,
          parent: request?.getParent() || undefined,
          custom: args.custom ?? true,
          ignoreChanges: request?.getIgnorechangesList() ?? [],
          dependencies: request?.getDependenciesList() ?? [],
        });
        return result;
      },
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs });
        const answer = answers[args.token];
        if (answer === undefined) {
          unexpectedCalls.push(args.token);
          throw new Error(`unexpected data-source call ${args.token}(${JSON.stringify(args.inputs)})`);
        }
        return answer(args.inputs);
      },
    },
    options.project ?? "opsdeck",
    options.stack ?? "dev",
    false,
  );

  // `newResource` is not told the parent or the resource options, but the monitor's request carries
  // them. The monitor calls `newResource` synchronously at the start of `registerResource`, so the
  // request stashed here is the one `newResource` is handling.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: MonitorRequest, callback: unknown): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    pending = request;
    return register(request, callback);
  };

  return {
    resources,
    calls,
    unexpectedCalls,
    async settle() {
      await waitForRegistrations();
      if (unexpectedCalls.length > 0)
        throw new Error(
          `the program made data-source calls the mocks do not answer: ${unexpectedCalls.join(", ")}`,
        );
    },
    ofType: (type) => resources.filter((resource) => resource.type === type),
    one(type, name) {
      const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1)
        throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
      return found[0] as RecordedResource;
    },
    byUrn: (urn) => resources.find((resource) => resource.urn === urn),
  };
}

/** The URN the mock monitor gives a resource: the parent's type chain, then this type and name. */
function qualifiedUrn(request: MonitorRequest): string {
  let type = request.getType();
  const parent = request.getParent();
  if (parent) {
    const parentType = parent.split("::")[2]?.split("$").pop();
    if (parentType) type = `${parentType}$${type}`;
  }
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${request.getName()}`;
}

/**
 * The SDK tracks every outstanding resource registration (and the invokes feeding it); its internal
 * `waitForRPCs` resolves when that queue has drained, which is exactly "the program has finished".
 */
async function waitForRegistrations(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  if (typeof settings.waitForRPCs !== "function")
    throw new Error("@pulumi/pulumi no longer exposes runtime/settings.waitForRPCs; update the mock helper");
  await settings.waitForRPCs();
}

/** Resolves an output's value under the mock runtime (preview off, so every value is known). */
export function resolveOutput<T>(output: pulumi.Output<T> | undefined): Promise<T> {
  if (output === undefined) return Promise.reject(new Error("resolveOutput: the output does not exist"));
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

export interface StackConfigFiles {
  /** Config by full key, as the CLI would hand it to the program. */
  config: Record<string, unknown>;
  /** Full keys whose values are secrets. */
  secretKeys: string[];
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` and merges them the way the Pulumi CLI does: project
 * defaults for every key the stack leaves unset, stack values otherwise. Encrypted values cannot be
 * decrypted offline; pass stand-ins for them in `secrets` (by full key).
 */
export function readStackConfig(
  stack: string,
  options: { root?: string; secrets?: Record<string, string> } = {},
): StackConfigFiles {
  const root = options.root ?? path.resolve(__dirname, "../..");
  const project = parseYaml(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config?: Record<string, unknown>;
  };
  const stackFile = parseYaml(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  } | null;
  const fullKey = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

  const config: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const isDeclaration =
      typeof declaration === "object" && declaration !== null && !Array.isArray(declaration);
    const value = isDeclaration
      ? ((declaration as Inputs).value ?? (declaration as Inputs).default)
      : declaration;
    if (value !== undefined) config[fullKey(key)] = value;
  }
  for (const [key, value] of Object.entries(stackFile?.config ?? {})) {
    const name = fullKey(key);
    if (typeof value === "object" && value !== null && "secure" in value) {
      const standIn = options.secrets?.[name];
      if (standIn === undefined)
        throw new Error(
          `Pulumi.${stack}.yaml: ${name} is encrypted; pass a stand-in value in options.secrets`,
        );
      config[name] = standIn;
      secretKeys.push(name);
    } else {
      config[name] = value;
    }
  }
  return { config, secretKeys };
}
