/**
 * Pulumi's mock runtime answering with fixed, known values: the recorder lives in
 * infra/plan/mock-runtime.ts (the offline plan uses it too); this file supplies the answers tests need.
 *
 * Usage: `const mocks = await installPulumiMocks({ config })`, then build the program (call
 * `createStack(loadConfig())` or `await import()` infra/index), then `await mocks.settle()`.
 * Mocks are the one place fakes are allowed: no cloud is reachable from the tests.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import {
  type Inputs,
  installMockRuntime,
  type MockSession,
  type RecordedCall,
  type RecordedResource,
} from "../../infra/plan/mock-runtime";

export { readStackConfig, type StackConfigFiles } from "../../infra/plan/stack-files";
export type { Inputs, RecordedCall, RecordedResource };

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
  "aws:index/getRegion:getRegion": () => ({
    id: MOCK_REGION,
    region: MOCK_REGION,
    name: MOCK_REGION,
    endpoint: `ec2.${MOCK_REGION}.amazonaws.com`,
    description: "Europe (Ireland)",
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    id: MOCK_ACCOUNT_ID,
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/ci`,
    userId: "AIDAEXAMPLE",
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
    case "awsx:ecr:Repository": {
      const repositoryName = autoName(inputs.name);
      return {
        id: "",
        state: { url: `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${repositoryName}` },
      };
    }
    case "awsx:ecr:Image":
      // awsx returns the pushed image by digest: `<repository url>@sha256:<digest>`.
      return { id: "", state: { imageUri: `${inputs.repositoryUrl}@sha256:${digest(name, 64)}` } };
    case "aws:lambda/function:Function": {
      const functionName = autoName(inputs.name);
      const functionArn = arn("lambda", `function:${functionName}`);
      return {
        id: functionName,
        state: {
          ...inputs,
          name: functionName,
          arn: functionArn,
          // A function that publishes is at its first version; one that does not has only $LATEST.
          version: inputs.publish === true ? "1" : "$LATEST",
          qualifiedArn: `${functionArn}:${inputs.publish === true ? "1" : "$LATEST"}`,
          invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${functionArn}/invocations`,
        },
      };
    }
    case "aws:lambda/alias:Alias": {
      const aliasArn = arn("lambda", `function:${inputs.functionName}:${inputs.name}`);
      return {
        id: aliasArn,
        state: {
          ...inputs,
          arn: aliasArn,
          invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${aliasArn}/invocations`,
        },
      };
    }
    case "aws:lambda/functionUrl:FunctionUrl": {
      const urlId = digest(name, 32);
      return {
        id: `${inputs.functionName}`,
        state: { ...inputs, urlId, functionUrl: `https://${urlId}.lambda-url.${MOCK_REGION}.on.aws/` },
      };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const groupName = autoName(inputs.name);
      return {
        id: groupName,
        state: { ...inputs, name: groupName, arn: arn("logs", `log-group:${groupName}`) },
      };
    }
    case "aws:cloudwatch/eventRule:EventRule": {
      const ruleName = autoName(inputs.name);
      return { id: ruleName, state: { ...inputs, name: ruleName, arn: arn("events", `rule/${ruleName}`) } };
    }
    case "aws:ssm/parameter:Parameter": {
      const parameterName = autoName(inputs.name);
      return {
        id: parameterName,
        state: { ...inputs, name: parameterName, arn: arn("ssm", `parameter${parameterName}`) },
      };
    }
    case "aws:s3/bucketObjectv2:BucketObjectv2":
      return {
        id: `${inputs.bucket}/${inputs.key}`,
        state: { ...inputs, etag: digest(`${name}etag`, 32), versionId: digest(`${name}version`, 32) },
      };
    case "command:local:Command":
      return { id: `${name}-id`, state: { ...inputs, stdout: "", stderr: "" } };
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

export type PulumiMockSession = MockSession;

/** Installs the mocks (every value known, as after a deployment) and the stack config. Call before building the program. */
export function installPulumiMocks(options: PulumiMockOptions = {}): Promise<PulumiMockSession> {
  const answers = { ...dataSourceAnswers, ...options.dataSources };
  return installMockRuntime({
    project: options.project ?? "opsdeck",
    stack: options.stack ?? "dev",
    config: options.config ?? {},
    secretKeys: options.secretKeys ?? [],
    preview: false,
    answers: {
      resource: mockResourceState,
      call: (token, inputs) => answers[token]?.(inputs),
    },
  });
}

/** Resolves an output's value under the mock runtime (preview off, so every value is known). */
export function resolveOutput<T>(output: pulumi.Output<T> | undefined): Promise<T> {
  if (output === undefined) return Promise.reject(new Error("resolveOutput: the output does not exist"));
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}
