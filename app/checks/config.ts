import { z } from "zod";
import { alertRulesOverrideSchema } from "../alerts/config";
import { nonNegativeInt, positiveInt, regexSource, slug } from "../config/fields";
import { remediationSchema } from "../remediation/config";
import { labelSelectorProblem } from "./label-selector";

/** Settings every check inherits unless it sets its own. */
export const checkDefaultsSchema = z.strictObject({
  /** Upper bound for one probe attempt, connection to last body byte. */
  timeoutMs: positiveInt.default(5_000),
  /** Extra attempts after a failed one (0 = no retry). */
  retries: nonNegativeInt.max(10).default(1),
  /** First retry delay; later ones grow exponentially with jitter. */
  retryDelayMs: positiveInt.default(200),
  /** Probes running at once across a round. */
  concurrency: positiveInt.max(1_000).default(20),
  /** After `failures` consecutive failed attempts a target is not probed for `halfOpenAfterMs`. */
  breaker: z
    .strictObject({
      failures: positiveInt.default(5),
      halfOpenAfterMs: positiveInt.default(60_000),
    })
    .prefault({}),
});

export type CheckDefaults = z.output<typeof checkDefaultsSchema>;

const commonFields = {
  id: slug,
  /** Display name; defaults to the id. */
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(1_000).optional(),
  group: z.string().min(1).max(100).optional(),
  /** Shown on the public status page. */
  public: z.boolean().default(true),
  timeoutMs: positiveInt.optional(),
  retries: nonNegativeInt.max(10).optional(),
  alerts: alertRulesOverrideSchema.optional(),
  /** Restart a unit or run a command after repeated failures (docs/monitoring.md). */
  remediation: remediationSchema.optional(),
};

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

/** `200`, or a class such as `"2xx"`. */
const statusMatcher = z.union([
  z.int().min(100).max(599),
  z.string().regex(/^[1-5]xx$/, { error: "expected a status code or a class like 2xx" }),
]);

/** A JSON-path condition on the response body (`$.status` equals "ok"). */
const jsonConditionSchema = z
  .strictObject({
    path: z.string().startsWith("$", { error: "expected a JSONPath starting with $" }),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    matches: regexSource.optional(),
    exists: z.boolean().optional(),
  })
  .refine((c) => c.equals !== undefined || c.matches !== undefined || c.exists !== undefined, {
    error: "expected one of equals, matches or exists",
  });

export type JsonCondition = z.output<typeof jsonConditionSchema>;

export const httpCheckSchema = z.strictObject({
  ...commonFields,
  type: z.literal("http"),
  url: httpUrl,
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expectStatus: z.array(statusMatcher).min(1).default(["2xx"]),
  bodyContains: z.string().min(1).optional(),
  bodyMatches: regexSource.optional(),
  json: z.array(jsonConditionSchema).default([]),
  /** Slower than this counts as degraded, not down. */
  maxResponseTimeMs: positiveInt.optional(),
  followRedirects: z.boolean().default(true),
  tls: z
    .strictObject({
      /** Fewer days left on the certificate than this counts as degraded (0 disables). */
      minDaysLeft: nonNegativeInt.default(14),
      /** PEM file with extra trusted CAs (a private CA). */
      caFile: z.string().min(1).optional(),
      /** Skip certificate verification; days-left is still reported. */
      insecure: z.boolean().default(false),
    })
    .prefault({}),
});

export const statuspageCheckSchema = z.strictObject({
  ...commonFields,
  type: z.literal("statuspage"),
  /** An Atlassian Statuspage v2 status URL, e.g. https://www.githubstatus.com/api/v2/status.json */
  url: httpUrl,
});

export const tcpCheckSchema = z.strictObject({
  ...commonFields,
  type: z.literal("tcp"),
  host: z.string().min(1),
  port: z.int({ error: "expected a port number between 1 and 65535" }).min(1).max(65_535),
});

export const dnsRecordTypes = ["A", "AAAA", "CNAME", "MX", "TXT", "NS"] as const;

export const dnsCheckSchema = z.strictObject({
  ...commonFields,
  type: z.literal("dns"),
  hostname: z.string().min(1),
  recordType: z.enum(dnsRecordTypes).default("A"),
  /** Answers that must all be present (any order); empty means "resolves to something". */
  expect: z.array(z.string().min(1)).default([]),
  /** Resolver to ask (`10.0.0.2` or `10.0.0.2:5353`); the system resolver when unset. */
  server: z.string().min(1).optional(),
});

/** A namespace name: a DNS-1123 label. */
const namespaceName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  error: "expected a namespace name (lower-case letters, digits and dashes, at most 63)",
});

const labelSelector = z.string().superRefine((value, ctx) => {
  const problem = labelSelectorProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `expected a label selector: ${problem}` });
});

export const kubernetesCheckSchema = z
  .strictObject({
    ...commonFields,
    type: z.literal("kubernetes"),
    namespace: namespaceName.default("default"),
    /** Only pods matching it (`app=web,tier!=cache`); every pod in the namespace when unset. */
    labelSelector: labelSelector.optional(),
    /** A kubeconfig file; without it (and without inCluster): $KUBECONFIG, then ~/.kube/config. */
    kubeconfig: z.string().min(1).optional(),
    /** A context of the kubeconfig; its current-context when unset. */
    context: z.string().min(1).optional(),
    /** Use the pod's service account (KUBERNETES_SERVICE_HOST and the mounted token). */
    inCluster: z.boolean().default(false),
    /** Fewer matching pods than this (Succeeded and terminating ones not counted) is down. */
    minPods: positiveInt.default(1),
    /** A container restarted more often than this makes the check degraded; unset: restarts are ignored. */
    maxRestarts: nonNegativeInt.optional(),
  })
  .superRefine((check, ctx) => {
    for (const field of ["kubeconfig", "context"] as const)
      if (check.inCluster && check[field] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: "cannot be combined with inCluster: true (in-cluster auth uses the service account)",
        });
  });

export const checkSchema = z.discriminatedUnion("type", [
  httpCheckSchema,
  statuspageCheckSchema,
  tcpCheckSchema,
  dnsCheckSchema,
  kubernetesCheckSchema,
]);

/** Check ids name store keys and metric series, so they must be unique. */
export const checksSchema = z.array(checkSchema).superRefine((checks, ctx) => {
  const seen = new Map<string, number>();
  checks.forEach((check, index) => {
    const first = seen.get(check.id);
    if (first === undefined) seen.set(check.id, index);
    else
      ctx.addIssue({ code: "custom", path: [index, "id"], message: `duplicate id (also checks[${first}])` });
  });
});

export type CheckConfig = z.output<typeof checkSchema>;
export type HttpCheckConfig = z.output<typeof httpCheckSchema>;
export type StatuspageCheckConfig = z.output<typeof statuspageCheckSchema>;
export type TcpCheckConfig = z.output<typeof tcpCheckSchema>;
export type DnsCheckConfig = z.output<typeof dnsCheckSchema>;
export type KubernetesCheckConfig = z.output<typeof kubernetesCheckSchema>;
export type CheckType = CheckConfig["type"];
