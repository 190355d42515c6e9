/**
 * The offline plan: runs the Pulumi program under the mock runtime as a preview of an empty stack, with
 * a stack's config, and reports what it declares: every resource with its inputs, the stack outputs,
 * and the policy results. Nothing is read from the cloud, so every value only the cloud knows (ids,
 * ARNs, generated names, lookups) stays unknown, exactly as Pulumi's own preview leaves it unknown.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { type ConfigSource, loadConfig } from "../config";
import { AGENT_BUNDLE_PATH, readAgentBundle } from "../lookups/agent-bundle";
import { evaluatePolicies, type PolicyResult } from "../policy/evaluate";
import { createStack, type StackOutputs } from "../stack";
import { type Inputs, installMockRuntime, isUnknownValue, type RecordedResource } from "./mock-runtime";
import { policySubjects } from "./policy-subjects";
import { secretStandIns } from "./secret-stand-ins";
import { REPO_ROOT, readStackConfig } from "./stack-files";

export const PLAN_BANNER =
  "PLAN OF DECLARED INPUTS - not a diff against the cloud. Nothing was read from AWS or Kubernetes: " +
  "values only they know are (unknown), secrets are [secret]. For a real preview: npm run stack -- preview --stack <stack>";

/** How an unknown value appears in plan.json. */
export const UNKNOWN = { $unknown: "known only after deployment" } as const;
/** How a secret appears in plan.json. */
export const SECRET = { $secret: "redacted" } as const;

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent component (undefined for top-level components, whose parent is the stack). */
  parent: string | undefined;
  custom: boolean;
  inputs: Inputs;
}

export interface Plan {
  banner: string;
  project: string;
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, unknown>;
  policies: PolicyResult[];
  notes: string[];
  summary: {
    resources: number;
    byType: Record<string, number>;
    policies: { pass: number; fail: number; unknown: number };
  };
}

export interface PlanOptions {
  stack: string;
  root?: string;
  /** The agent bundle to hash; defaults to dist/opsdeck-agent.tgz. */
  agentBundlePath?: string;
}

const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The fields of each lookup the program reads. The plan answers them unknown; a lookup not listed here
 * fails the plan (listing it is how the plan keeps up with the program).
 */
const CLOUD_LOOKUPS: Record<string, readonly string[]> = {
  "aws:index/getPartition:getPartition": ["id", "partition", "dnsSuffix", "reverseDnsPrefix"],
  "aws:index/getRegion:getRegion": ["id", "region", "name", "endpoint", "description"],
  "aws:ec2/getVpc:getVpc": ["id", "arn", "cidrBlock", "default", "region", "state"],
  "aws:ec2/getSubnets:getSubnets": ["id", "ids", "region"],
  "aws:ssm/getParameter:getParameter": ["id", "arn", "name", "type", "value", "insecureValue", "version"],
};

export async function buildPlan(options: PlanOptions): Promise<Plan> {
  const root = options.root ?? REPO_ROOT;
  const secrets = secretStandIns();
  const { config, secretKeys } = readStackConfig(options.stack, { root, secrets: secrets.standIn });
  const region = config["aws:region"];

  const mocks = await installMockRuntime({
    project: "opsdeck",
    stack: options.stack,
    config,
    secretKeys,
    preview: true,
    answers: {
      // The provider would echo the declared inputs; everything it computes stays unknown.
      resource: (args) => ({ id: "", state: args.inputs }),
      call: (token) => {
        // The region is configuration the provider repeats, not something it looks up.
        if (token === "aws:index/getRegion:getRegion" && typeof region === "string")
          return {
            id: region,
            region,
            name: region,
            endpoint: UNKNOWN_SENTINEL,
            description: UNKNOWN_SENTINEL,
          };
        const fields = CLOUD_LOOKUPS[token];
        return fields === undefined
          ? undefined
          : Object.fromEntries(fields.map((field) => [field, UNKNOWN_SENTINEL]));
      },
    },
  });

  const notes: string[] = [];
  const source: ConfigSource = {
    project: "opsdeck",
    stack: options.stack,
    get: (key) => {
      const value = config[`opsdeck:${key}`];
      return value === undefined || typeof value === "string" ? value : JSON.stringify(value);
    },
    isSecret: (key) => secretKeys.includes(`opsdeck:${key}`),
  };
  const stackConfig = loadConfig(source);
  if (secretKeys.length > 0)
    notes.push(
      `secrets (${secretKeys.join(", ")}) are encrypted; the plan validated stand-ins and shows them as [secret]`,
    );

  let agentBundle: { path: string; sha256: pulumi.Input<string> } | undefined;
  if (stackConfig.agent.enabled) {
    const bundlePath = path.resolve(root, options.agentBundlePath ?? AGENT_BUNDLE_PATH);
    if (existsSync(bundlePath)) agentBundle = readAgentBundle(root, bundlePath);
    else {
      agentBundle = { path: bundlePath, sha256: pulumi.output(pulumi.unknown as unknown as string) };
      notes.push(
        `${path.relative(root, bundlePath)} is not built: the agent bundle's key is unknown (npm run build)`,
      );
    }
  }
  const outputs = createStack(stackConfig, { agentBundle });
  await mocks.settle();

  const redact = redactor(secrets.values());
  const resources = mocks.resources.map(
    (resource): PlanResource => ({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      parent: resource.parent?.includes("::pulumi:pulumi:Stack::") ? undefined : resource.parent,
      custom: resource.custom,
      inputs: redact(markSecrets(resource)) as Inputs,
    }),
  );
  const policies = evaluatePolicies(policySubjects(mocks.resources));
  const byType: Record<string, number> = {};
  for (const resource of resources.filter((r) => r.custom))
    byType[resource.type] = (byType[resource.type] ?? 0) + 1;
  const count = (status: PolicyResult["status"]) => policies.filter((p) => p.status === status).length;

  return {
    banner: PLAN_BANNER,
    project: "opsdeck",
    stack: options.stack,
    resources,
    outputs: redact(await outputValues(outputs)) as Record<string, unknown>,
    policies,
    notes,
    summary: {
      resources: resources.filter((r) => r.custom).length,
      byType,
      policies: { pass: count("pass"), fail: count("fail"), unknown: count("unknown") },
    },
  };
}

/** Replaces each secret input (recorded by path) with the secret marker, before anything else reads it. */
function markSecrets(resource: RecordedResource): unknown {
  const copy = structuredCopy(resource.inputs) as Inputs;
  for (const secretPath of resource.secretPaths) {
    if (secretPath === "(root)") return SECRET;
    const keys = secretPath.split(/\.|\[(\d+)\]/).filter((key) => key !== undefined && key !== "");
    let target: Inputs | undefined = copy;
    for (const key of keys.slice(0, -1)) target = target?.[key];
    const last = keys[keys.length - 1];
    if (target !== undefined && last !== undefined) target[last] = SECRET;
  }
  return copy;
}

function structuredCopy(value: unknown): unknown {
  if (isUnknownValue(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(structuredCopy);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, structuredCopy(inner)]));
  return value;
}

/** A safety net behind markSecrets: any stand-in that reached a string anyway is replaced. */
function redactor(standIns: readonly string[]): (value: unknown) => unknown {
  const redact = (value: unknown): unknown => {
    if (typeof value === "string")
      return standIns.some((standIn) => value.includes(standIn))
        ? standIns.reduce((text, standIn) => text.split(standIn).join("[secret]"), value)
        : value;
    if (Array.isArray(value)) return value.map(redact);
    if (typeof value === "object" && value !== null && value !== UNKNOWN && value !== SECRET)
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redact(inner)]));
    return value;
  };
  return redact;
}

/** The stack outputs as the preview knows them: values, (unknown), or [secret]. */
async function outputValues(outputs: StackOutputs): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(outputs).map(async ([name, value]) => [name, await resolvePlanValue(value)] as const),
  );
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

async function resolvePlanValue(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    // The SDK's Output keeps whether it is known and secret as promises (internal, but stable for years).
    const output = value as unknown as {
      isKnown: Promise<boolean>;
      isSecret: Promise<boolean>;
      promise(): Promise<unknown>;
    };
    if (!(await output.isKnown)) return UNKNOWN;
    if (await output.isSecret) return SECRET;
    return structuredCopy(await output.promise());
  }
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([key, inner]) => [key, await resolvePlanValue(inner)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
