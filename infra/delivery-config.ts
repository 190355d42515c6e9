/**
 * Stack config sections for what the stack delivers on top of the bucket, fleet and load balancer: the
 * dashboard function, its container images, the agent on the fleet and the Kubernetes Pods.
 * infra/config.ts composes them into the whole `opsdeck:` config.
 */
import { z } from "zod";
import { cpuQuantity, isQuantity, memoryQuantity, quantityValue } from "./rules/k8s-quantity";
import { scheduleExpressionProblem } from "./rules/schedule-expression";

/** Retention periods CloudWatch Logs accepts (any other number is rejected by the API). */
export const logRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace"] as const;

const scheduleExpression = z.string().superRefine((value, ctx) => {
  const problem = scheduleExpressionProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

const dashboardSchema = z.strictObject({
  /** Off leaves out the image build, the function, its URL and its schedule (no Docker needed for `up`). */
  enabled: z.boolean().default(true),
  /** x86_64 builds natively on most CI runners; arm64 (Graviton) is cheaper but needs buildx/QEMU on x86. */
  architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
  memoryMb: z.int().min(128).max(10240).default(512),
  /** A checks round runs every check with its own timeout and retries; a minute covers the defaults. */
  timeoutSeconds: z.int().min(1).max(900).default(60),
  /** Unset leaves the function on the account's shared pool (new accounts cannot reserve any). */
  reservedConcurrency: z.int().min(1).max(1000).optional(),
  logRetentionDays: z
    .int()
    .refine((days) => (logRetentionDays as readonly number[]).includes(days), {
      error: `expected one of ${logRetentionDays.join(", ")} (the periods CloudWatch Logs accepts)`,
    })
    .default(30),
  logLevel: z.enum(logLevels).default("info"),
  /** How often EventBridge invokes the function for a checks round. */
  schedule: scheduleExpression.default("rate(1 minute)"),
  /** NONE: public URL, the app's dashboard token guards non-public views. AWS_IAM: signed requests only. */
  urlAuth: z.enum(["NONE", "AWS_IAM"]).default("NONE"),
  smokeTest: z
    .strictObject({
      enabled: z.boolean().default(true),
      attempts: z.int().min(1).max(60).default(10),
      intervalSeconds: z.int().min(1).max(60).default(6),
      /** Per request, with room for a cold start of the image; a slower answer counts as a failed attempt. */
      timeoutSeconds: z.int().min(1).max(60).default(10),
    })
    .prefault({}),
});

const imagesSchema = z.strictObject({
  /** How many images each ECR repository keeps; the newest is always the one in use. */
  keepLast: z.int().min(1).max(1000).default(10),
  /** Let `pulumi destroy` delete repositories that still hold images. */
  forceDelete: z.boolean().default(false),
});

/** A section-by-section override of the app config for the servers of one role (validated after merging). */
const appOverride = z.record(z.string(), z.unknown());

const agentSchema = z.strictObject({
  /** Off leaves the fleet without the agent (no bundle upload, no systemd service). */
  enabled: z.boolean().default(true),
  logLevel: z.enum(logLevels).default("info"),
  /** How often each server checks the bucket for a new agent bundle or config, and restarts on a change. */
  refreshMinutes: z.int().min(1).max(1440).default(5),
  /** Per role, top-level app config sections that replace the shared `app` ones (e.g. backup jobs). */
  roles: z.strictObject({ web: appOverride.optional(), db: appOverride.optional() }).default({}),
});

const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    "expected a DNS label: at most 63 lower-case letters, digits or hyphens",
  );
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name");
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, "expected a Secret key (letters, digits, - _ .)");
/** An image reference: `registry/name:tag` or `name@sha256:…`, without spaces or upper case in the name. */
const imageReference = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._\-/:]*(:[\w][\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$/,
    "expected an image reference like registry.example.com/opsdeck-server:1.0",
  );

const resourceAmounts = z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity });
const resourcesSchema = z
  .strictObject({
    requests: resourceAmounts.default({ cpu: "100m", memory: "128Mi" }),
    limits: resourceAmounts.default({ cpu: "500m", memory: "256Mi" }),
  })
  .superRefine((resources, ctx) => {
    for (const kind of ["cpu", "memory"] as const) {
      const { requests, limits } = resources;
      // Malformed quantities are reported by their own fields; compare only well-formed ones.
      if (!isQuantity(requests[kind], kind) || !isQuantity(limits[kind], kind)) continue;
      if (quantityValue(resources.requests[kind], kind) > quantityValue(resources.limits[kind], kind))
        ctx.addIssue({
          code: "custom",
          path: ["requests", kind],
          message: `expected at most limits.${kind} (${resources.limits[kind]})`,
        });
    }
  });

/** Secrets reach Pods only as Secret references; a plain value under these names would land in a manifest. */
export const SECRET_ENV_NAMES = ["OPSDECK_DASHBOARD_TOKEN", "OPSDECK_ALERT_WEBHOOK_URL"] as const;

const extraPodSchema = z.strictObject({
  name: dnsLabel,
  /** Defaults to the `server` image the stack builds (or `kubernetes.image`). */
  image: imageReference.optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  /** A port serving `GET /healthz`; when set, the Pod gets liveness and readiness probes on it. */
  port: z.int().min(1024).max(65535).optional(),
  env: z
    .record(envName, z.string())
    .default({})
    .superRefine((env, ctx) => {
      for (const name of SECRET_ENV_NAMES.filter((secret) => secret in env))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "is a secret: list it under secretEnv (a Secret reference), never as a value",
        });
    }),
  /** Environment variable → key of `kubernetes.secretName`: the value is read from the Secret at start. */
  secretEnv: z.record(envName, secretKey).default({}),
  resources: resourcesSchema.optional(),
});

const kubernetesSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** render: write YAML into renderDirectory (no cluster needed). cluster: apply with a kubeconfig. */
    mode: z.enum(["render", "cluster"]).default("render"),
    /** Relative to the repository root. */
    renderDirectory: z
      .string()
      .min(1)
      .refine((dir) => !dir.startsWith("/") && !dir.split("/").includes(".."), {
        error: "expected a path inside the repository (relative, without ..)",
      })
      .default("k8s/rendered"),
    /** cluster mode: path to a kubeconfig file; unset uses KUBECONFIG / ~/.kube/config. */
    kubeconfig: z.string().min(1).optional(),
    /** cluster mode: the kubeconfig context; unset uses the current context. */
    context: z.string().min(1).optional(),
    namespace: dnsLabel.default("opsdeck"),
    /** A pre-built `server` image; unset builds it into the stack's ECR repository and pins it by digest. */
    image: imageReference.optional(),
    /** bucket: the stack's backup bucket over S3. volume: a local directory on a Pod volume (lost with the Pod). */
    storage: z
      .discriminatedUnion("type", [
        z.strictObject({ type: z.literal("bucket") }),
        z.strictObject({ type: z.literal("volume"), sizeLimit: memoryQuantity.default("1Gi") }),
      ])
      .default({ type: "bucket" }),
    /** The Secret (created out of band) the Pods read OPSDECK_DASHBOARD_TOKEN and OPSDECK_ALERT_WEBHOOK_URL from. */
    secretName: dnsLabel.default("opsdeck-secrets"),
    resources: resourcesSchema.prefault({}),
    pods: z.array(extraPodSchema).default([]),
  })
  .superRefine((kubernetes, ctx) => {
    if (kubernetes.mode === "render") {
      for (const key of ["kubeconfig", "context"] as const)
        if (kubernetes[key] !== undefined)
          ctx.addIssue({ code: "custom", path: [key], message: "only used with mode: cluster" });
    }
    const seen = new Map<string, number>([[SERVER_POD_NAME, -1]]);
    kubernetes.pods.forEach((pod, index) => {
      const earlier = seen.get(pod.name);
      if (earlier !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["pods", index, "name"],
          message:
            earlier < 0
              ? `"${SERVER_POD_NAME}" is the dashboard Pod's name`
              : `duplicate Pod name (also pods[${earlier}].name)`,
        });
      else seen.set(pod.name, index);
    });
  });

/** The name of the Pod running the `server` image (dashboard + agent). */
export const SERVER_POD_NAME = "opsdeck-server";

export const deliverySections = {
  dashboard: dashboardSchema,
  images: imagesSchema,
  agent: agentSchema,
  kubernetes: kubernetesSchema,
};

export type DashboardConfig = z.output<typeof dashboardSchema>;
export type ImagesConfig = z.output<typeof imagesSchema>;
export type AgentConfig = z.output<typeof agentSchema>;
export type KubernetesConfig = z.output<typeof kubernetesSchema>;
export type ExtraPodConfig = z.output<typeof extraPodSchema>;
export type PodResources = z.output<typeof resourcesSchema>;
