/**
 * The Kubernetes manifests as plain typed data: a Namespace, the `server` Pod (dashboard + agent, see
 * docs/RUNTIME.md) and any extra Pods the stack config declares. The same objects feed the stack's
 * `@pulumi/kubernetes` resources and `npm run manifests`, so both produce the same YAML.
 *
 * Defaults a reviewer expects: non-root, read-only root filesystem, no capabilities, seccomp
 * RuntimeDefault, requests and limits, probes on /healthz, labels, and secrets only by reference.
 */

import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";

export interface PodResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export type PodStorage = { type: "bucket" } | { type: "volume"; sizeLimit: string };

export interface ExtraPod {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  port?: number;
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  resources?: PodResources;
}

export interface ManifestsInput {
  /** `<project>-<stack>`: the `app.kubernetes.io/instance` label. */
  instance: string;
  namespace: string;
  /** The `server` image reference. */
  image: string;
  /** The app config as JSON (OPSDECK_CONFIG); its storage must match `storage`. */
  appConfigJson: string;
  storage: PodStorage;
  /** The Secret (created out of band) holding the secrets the Pods reference. */
  secretName: string;
  resources: PodResources;
  logLevel: string;
  extraPods: readonly ExtraPod[];
}

export interface Manifests {
  namespace: INamespace;
  pods: IPod[];
}

export const SERVER_POD = "opsdeck-server";
/** The `server` image's port and user (docs/RUNTIME.md: `USER node`, uid 1000, `EXPOSE 3000`). */
export const SERVER_PORT = 3000;
export const SERVER_UID = 1000;
/** Where a volume-backed store lives inside the Pod. */
export const DATA_DIR = "/var/lib/opsdeck";

/** Secret keys, and the variables they become. Optional: an absent key leaves the variable unset. */
export const SECRET_KEYS = {
  OPSDECK_DASHBOARD_TOKEN: "dashboard-token",
  OPSDECK_ALERT_WEBHOOK_URL: "alert-webhook-url",
} as const;
/** For the bucket outside AWS (no IAM role for the Pod): static credentials, also by reference. */
export const AWS_SECRET_KEYS = {
  AWS_ACCESS_KEY_ID: "aws-access-key-id",
  AWS_SECRET_ACCESS_KEY: "aws-secret-access-key",
} as const;

export function buildManifests(input: ManifestsInput): Manifests {
  return {
    namespace: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: input.namespace, labels: labels(input, "namespace") },
    },
    pods: [serverPod(input), ...input.extraPods.map((pod) => extraPod(input, pod))],
  };
}

/** The app config's storage for the Pods' store: the bucket is the stack's; a volume is a directory on the Pod. */
export function podStorageConfig(storage: PodStorage): { type: "local"; dir: string } | undefined {
  return storage.type === "volume" ? { type: "local", dir: `${DATA_DIR}/data` } : undefined;
}

function serverPod(input: ManifestsInput): IPod {
  const volume = input.storage.type === "volume";
  const container: IContainer = {
    name: "server",
    image: input.image,
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: "http", containerPort: SERVER_PORT, protocol: "TCP" }],
    env: [
      { name: "PORT", value: String(SERVER_PORT) },
      { name: "HOST", value: "0.0.0.0" },
      ...commonEnv(input),
      ...secretRefs(input.secretName, SECRET_KEYS),
      ...(volume ? [] : secretRefs(input.secretName, AWS_SECRET_KEYS)),
    ],
    resources: input.resources,
    securityContext: containerSecurityContext(),
    // Liveness restarts a wedged process; readiness keeps traffic away until it answers.
    livenessProbe: {
      httpGet: { path: "/healthz", port: "http" },
      initialDelaySeconds: 10,
      periodSeconds: 20,
    },
    readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
    volumeMounts: [tmpMount(), ...(volume ? [{ name: "data", mountPath: DATA_DIR }] : [])],
  };
  const volumes: IVolume[] = [tmpVolume()];
  if (input.storage.type === "volume")
    volumes.push({ name: "data", emptyDir: { sizeLimit: input.storage.sizeLimit } });
  return pod(input, SERVER_POD, "server", container, volumes);
}

function extraPod(input: ManifestsInput, config: ExtraPod): IPod {
  const env: IEnvVar[] = [
    ...commonEnv(input),
    ...Object.entries(config.env).map(([name, value]) => ({ name, value })),
    ...Object.entries(config.secretEnv).map(([name, key]) => secretRef(input.secretName, name, key, false)),
  ];
  const container: IContainer = {
    name: config.name,
    image: config.image ?? input.image,
    imagePullPolicy: "IfNotPresent",
    ...(config.command === undefined ? {} : { command: config.command }),
    ...(config.args === undefined ? {} : { args: config.args }),
    env,
    resources: config.resources ?? input.resources,
    securityContext: containerSecurityContext(),
    volumeMounts: [tmpMount()],
  };
  if (config.port !== undefined) {
    container.ports = [{ name: "http", containerPort: config.port, protocol: "TCP" }];
    container.livenessProbe = {
      httpGet: { path: "/healthz", port: "http" },
      initialDelaySeconds: 10,
      periodSeconds: 20,
    };
    container.readinessProbe = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 };
  }
  return pod(input, config.name, config.name, container, [tmpVolume()]);
}

function pod(
  input: ManifestsInput,
  name: string,
  component: string,
  container: IContainer,
  volumes: IVolume[],
): IPod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: input.namespace, labels: labels(input, component) },
    spec: {
      // The processes never talk to the Kubernetes API: no token in the Pod.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: "Always",
      securityContext: {
        runAsNonRoot: true,
        runAsUser: SERVER_UID,
        runAsGroup: SERVER_UID,
        fsGroup: SERVER_UID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [container],
      volumes,
    },
  };
}

function labels(input: ManifestsInput, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "opsdeck",
    "app.kubernetes.io/instance": input.instance,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "opsdeck",
  };
}

function commonEnv(input: ManifestsInput): IEnvVar[] {
  return [
    { name: "OPSDECK_CONFIG", value: input.appConfigJson },
    { name: "OPSDECK_LOG_LEVEL", value: input.logLevel },
    // The agent reports under the Pod's name (hosts/<pod>.json).
    { name: "OPSDECK_HOST_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
  ];
}

function secretRefs(secretName: string, keys: Record<string, string>): IEnvVar[] {
  return Object.entries(keys).map(([name, key]) => secretRef(secretName, name, key, true));
}

function secretRef(secretName: string, name: string, key: string, optional: boolean): IEnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secretName, key, optional } } };
}

function containerSecurityContext(): IContainer["securityContext"] {
  return {
    runAsNonRoot: true,
    runAsUser: SERVER_UID,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The read-only root filesystem leaves /tmp as the one scratch place (docs/RUNTIME.md). */
function tmpVolume(): IVolume {
  return { name: "tmp", emptyDir: { sizeLimit: "64Mi" } };
}

function tmpMount(): IVolumeMount {
  return { name: "tmp", mountPath: "/tmp" };
}
