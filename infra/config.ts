import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parseOrThrow, ValidationError, type ValidationIssue } from "../app/lib/validation";
import { deliverySections } from "./delivery-config";
import { type AppConfigInput, appConfigIssues, bucketStorage, deployedAppConfig } from "./rules/app-config";
import {
  dashboardEnvironment,
  environmentSize,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from "./rules/dashboard-environment";
import { instanceTypeNames } from "./rules/instance-types";
import { S3_BUCKET_NAME_MAX_LENGTH } from "./rules/naming";
import { serverRoles } from "./rules/server-roles";

/** Stack config keys live under `opsdeck:` (the project name). */
export const CONFIG_NAMESPACE = "opsdeck";
const PATH_PREFIX = `${CONFIG_NAMESPACE}:`;

/**
 * Where raw config values come from. The Pulumi engine in a real run; a plain object in tests and in the
 * offline plan. Values are the stored text: structured keys arrive as JSON text, as `pulumi config` keeps them.
 */
export interface ConfigSource {
  project: string;
  stack: string;
  /** The raw value of `opsdeck:<key>`, undefined when unset. */
  get(key: string): string | undefined;
  /** Whether `opsdeck:<key>` is stored encrypted (`pulumi config set --secret`). */
  isSecret(key: string): boolean;
}

const awsTagValue = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const amiId = z.string().regex(/^ami-[0-9a-f]{8,17}$/, "expected an AMI id like ami-0123456789abcdef0");
const rootVolumeSizeGb = z
  .int()
  .min(8, "expected at least 8 (GiB, the Amazon Linux 2023 image size)")
  .max(16384);

const serverSchema = z.strictObject({
  /** Used in resource names, bucket prefixes and the web page, so kept DNS-label-like and dot-free. */
  name: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/,
      "expected 2-32 lower-case letters, digits or hyphens, starting with a letter",
    ),
  role: z.enum(serverRoles),
  instanceType: z.enum(instanceTypeNames),
  amiId: amiId.optional(),
  rootVolumeSizeGb: rootVolumeSizeGb.optional(),
});

const serversSchema = z
  .array(serverSchema)
  .min(1, "expected at least one server")
  .superRefine((servers, ctx) => {
    const firstIndex = new Map<string, number>();
    servers.forEach((server, index) => {
      const earlier = firstIndex.get(server.name);
      if (earlier === undefined) firstIndex.set(server.name, index);
      else
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `duplicate server name "${server.name}" (also servers[${earlier}].name)`,
        });
    });
  });

const networkSchema = z
  .strictObject({
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/, "expected a VPC id like vpc-0123456789abcdef0")
      .optional(),
    subnetIds: z
      .array(
        z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "expected a subnet id like subnet-0123456789abcdef0"),
      )
      .min(2, "expected at least two subnets (an ALB spans two availability zones)")
      // The same subnet twice is one zone to AWS, which rejects the ALB only at deploy time.
      .refine((ids) => new Set(ids).size === ids.length, "expected distinct subnets (each listed once)")
      .optional(),
  })
  .refine((network) => network.subnetIds === undefined || network.vpcId !== undefined, {
    path: ["vpcId"],
    message: "required when subnetIds is set",
  });

const fleetSchema = z.strictObject({
  /** Pins every server to this image instead of the latest Amazon Linux 2023 from SSM. */
  amiId: amiId.optional(),
  rootVolumeSizeGb: rootVolumeSizeGb.default(20),
  dbPort: z.int().min(1024, "expected a non-privileged port (1024-65535)").max(65535).default(5432),
});

const archiveStorageClasses = ["GLACIER_IR", "GLACIER", "DEEP_ARCHIVE", "STANDARD_IA", "ONEZONE_IA"] as const;

const backupBucketSchema = z
  .strictObject({
    encryption: z.enum(["aws:kms", "AES256"]).default("aws:kms"),
    archiveAfterDays: z.int().min(1).default(30),
    archiveStorageClass: z.enum(archiveStorageClasses).default("GLACIER_IR"),
    expireAfterDays: z.int().min(2).default(365),
    noncurrentVersionExpireDays: z.int().min(1).default(30),
    objectLock: z
      .strictObject({
        mode: z.enum(["GOVERNANCE", "COMPLIANCE"]),
        days: z.int().min(1),
      })
      .optional(),
    forceDestroy: z.boolean().default(false),
  })
  .superRefine((bucket, ctx) => {
    // S3 rejects a lifecycle rule whose expiration does not come after its transition.
    if (bucket.expireAfterDays <= bucket.archiveAfterDays)
      ctx.addIssue({
        code: "custom",
        path: ["expireAfterDays"],
        message: `expected more than archiveAfterDays (${bucket.archiveAfterDays})`,
      });
    // S3 rejects transitions to the infrequent-access classes before 30 days.
    if (bucket.archiveStorageClass.endsWith("_IA") && bucket.archiveAfterDays < 30)
      ctx.addIssue({
        code: "custom",
        path: ["archiveAfterDays"],
        message: `expected at least 30 for ${bucket.archiveStorageClass}`,
      });
  });

const healthCheckSchema = z
  .strictObject({
    path: z.string().startsWith("/", "expected a path starting with /").default("/"),
    matcher: z
      .string()
      .regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, "expected HTTP codes like 200 or 200-399")
      .default("200-399"),
    intervalSeconds: z.int().min(5).max(300).default(15),
    timeoutSeconds: z.int().min(2).max(120).default(5),
    healthyThreshold: z.int().min(2).max(10).default(2),
    unhealthyThreshold: z.int().min(2).max(10).default(3),
  })
  .refine((check) => check.timeoutSeconds < check.intervalSeconds, {
    path: ["timeoutSeconds"],
    message: "expected less than intervalSeconds",
  });

const loadBalancerSchema = z.strictObject({
  /** An ACM certificate in the stack's region; enables HTTPS on 443 and turns port 80 into a redirect. */
  certificateArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/,
      "expected an ACM certificate ARN",
    )
    .optional(),
  sslPolicy: z.string().min(1).default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
  allowedCidrs: z.array(z.cidrv4()).min(1).default(["0.0.0.0/0"]),
  idleTimeoutSeconds: z.int().min(1).max(4000).default(60),
  deletionProtection: z.boolean().default(false),
  healthCheck: healthCheckSchema.prefault({}),
});

/** Structured keys are stored as JSON text; parse them inside the schema so errors carry the key path. */
function jsonValue<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw, ctx) => {
    if (typeof raw !== "string") return raw;
    try {
      return JSON.parse(raw) as unknown;
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `expected JSON (${(error as Error).message})`, input: raw });
      return z.NEVER;
    }
  }, schema);
}

/** An unset optional string may arrive as "" (a Pulumi.yaml default); both mean "not configured". */
function optionalText<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw) => (raw === "" ? undefined : raw), schema.optional());
}

/** The whole `opsdeck:` config. Defaults here are the documented ones; Pulumi.yaml repeats them. */
export const stackConfigSchema = z.strictObject({
  owner: z
    .string()
    .min(1)
    .max(256)
    .regex(awsTagValue, "expected letters, digits, spaces or _ . : / = + - @ (an AWS tag value)")
    .default("ops"),
  servers: jsonValue(serversSchema).default([{ name: "web01", role: "web", instanceType: "t3.micro" }]),
  network: jsonValue(networkSchema).prefault({}),
  fleet: jsonValue(fleetSchema).prefault({}),
  backupBucket: jsonValue(backupBucketSchema).prefault({}),
  loadBalancer: jsonValue(loadBalancerSchema).prefault({}),
  /** Secret: where alerts are posted. Validated here, then only ever handled as a Pulumi secret. */
  alertWebhookUrl: optionalText(z.url({ protocol: /^https$/, error: "expected an https:// URL" })),
  dashboard: jsonValue(deliverySections.dashboard).prefault({}),
  images: jsonValue(deliverySections.images).prefault({}),
  agent: jsonValue(deliverySections.agent).prefault({}),
  kubernetes: jsonValue(deliverySections.kubernetes).prefault({}),
  /** The app config (docs/monitoring.md) every deployed process receives; validated with the app's schema. */
  app: jsonValue(z.record(z.string(), z.unknown())).default({}),
  /** Secret: guards the dashboard's non-public views and APIs. */
  dashboardToken: optionalText(
    z.string().min(16, "expected at least 16 characters").regex(/^\S+$/, "expected no whitespace"),
  ),
});

/** The config keys the program reads, all under `opsdeck:`. */
export const configKeys = Object.keys(stackConfigSchema.shape) as (keyof typeof stackConfigSchema.shape)[];

/** Keys that must be stored encrypted. */
export const secretConfigKeys = ["alertWebhookUrl", "dashboardToken"] as const;

type ParsedConfig = z.output<typeof stackConfigSchema>;
export type ServerConfig = ParsedConfig["servers"][number];
export type NetworkConfig = ParsedConfig["network"];
export type FleetConfig = ParsedConfig["fleet"];
export type BackupBucketConfig = ParsedConfig["backupBucket"];
export type LoadBalancerConfig = ParsedConfig["loadBalancer"];

export type { AgentConfig, DashboardConfig, ImagesConfig, KubernetesConfig } from "./delivery-config";

/** The whole stack config, typed and validated; secrets only as Pulumi secret outputs. */
export interface StackConfig extends Omit<ParsedConfig, "alertWebhookUrl" | "dashboardToken" | "app"> {
  project: string;
  stack: string;
  alertWebhookUrl: pulumi.Output<string> | undefined;
  dashboardToken: pulumi.Output<string> | undefined;
  /** The validated app config: shared, and per-role overrides for the agents. */
  app: AppConfigInput;
}

/**
 * Reads and validates the whole `opsdeck:` config once. Throws a ValidationError naming every bad key
 * path (`opsdeck:servers[1].instanceType: expected one of …`) before any resource exists.
 */
export function loadConfig(source: ConfigSource = pulumiConfigSource()): StackConfig {
  const { alertWebhookUrl, dashboardToken, app, ...rest } = validateStackConfig(source);
  const { secret } = pulumiSdk();
  return {
    ...rest,
    app: { shared: app, roles: rest.agent.roles },
    project: source.project,
    stack: source.stack,
    alertWebhookUrl: alertWebhookUrl === undefined ? undefined : secret(alertWebhookUrl),
    dashboardToken: dashboardToken === undefined ? undefined : secret(dashboardToken),
  };
}

/**
 * Every check loadConfig makes, without wrapping the secrets: `opsdeck validate` runs it on a stack file
 * outside any Pulumi program, so this path must not need the Pulumi SDK.
 */
export function validateStackConfig(source: ConfigSource): ParsedConfig {
  const raw = Object.fromEntries(configKeys.map((key) => [key, source.get(key)]));
  const secrecyIssues: ValidationIssue[] = secretConfigKeys
    .filter((key) => (raw[key] ?? "") !== "" && !source.isSecret(key))
    .map((key) => ({
      path: `${PATH_PREFIX}${key}`,
      message: `must be stored as a secret: pulumi config set --secret ${key} <value>`,
    }));

  let parsed: ParsedConfig;
  try {
    parsed = parseOrThrow(stackConfigSchema, raw, "stack config", { pathPrefix: PATH_PREFIX });
  } catch (error) {
    if (!(error instanceof ValidationError) || secrecyIssues.length === 0) throw error;
    throw new ValidationError(error.source, [...error.issues, ...secrecyIssues], { cause: error.cause });
  }
  const app: AppConfigInput = { shared: parsed.app, roles: parsed.agent.roles };
  const issues = [
    ...secrecyIssues,
    ...appConfigIssues({ ...app, webhookConfigured: parsed.alertWebhookUrl !== undefined }),
  ];
  if (issues.length === 0 && parsed.dashboard.enabled) issues.push(...dashboardEnvironmentIssues(parsed));
  if (issues.length > 0) throw new ValidationError("stack config", issues);

  return parsed;
}

/** Loaded on use, so the CLI bundle (which validates stack files but never deploys) does not carry the SDK. */
function pulumiSdk(): typeof import("@pulumi/pulumi") {
  return require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
}

/**
 * Lambda rejects an environment over 4 KB, and the app config travels in it. Measured with the longest
 * bucket name S3 allows, so a config accepted here cannot fail at deployment once the name is known.
 */
function dashboardEnvironmentIssues(parsed: ParsedConfig): ValidationIssue[] {
  const longestBucket = "b".repeat(S3_BUCKET_NAME_MAX_LENGTH);
  const variables = dashboardEnvironment({
    appConfig: deployedAppConfig(parsed.app, { storage: bucketStorage(longestBucket, "ap-southeast-7") }),
    logLevel: parsed.dashboard.logLevel,
    dashboardToken: parsed.dashboardToken,
    alertWebhookUrl: parsed.alertWebhookUrl,
  });
  const size = environmentSize(variables);
  if (size <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return [];
  return [
    {
      path: `${PATH_PREFIX}app`,
      message: `the dashboard function's environment would take ${size} bytes (the app config as JSON plus the secrets); Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}`,
    },
  ];
}

/** The engine's config for the running stack. */
export function pulumiConfigSource(): ConfigSource {
  const pulumi = pulumiSdk();
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    get: (key) => config.get(key),
    isSecret: (key) => isConfigSecret(`${CONFIG_NAMESPACE}:${key}`),
  };
}

/**
 * The SDK knows which keys the engine passed encrypted but keeps that check internal
 * (`runtime/config.isConfigSecret`, used by `Config.get` warnings). If a future SDK drops it,
 * the check is skipped rather than failing every deployment.
 */
function isConfigSecret(fullKey: string): boolean {
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret?: (key: string) => boolean;
  };
  return typeof runtimeConfig.isConfigSecret === "function" ? runtimeConfig.isConfigSecret(fullKey) : true;
}
