import { Namespace } from "kubernetes-models/v1/Namespace";
import { Pod } from "kubernetes-models/v1/Pod";
import { describe, expect, it } from "vitest";
import { checkPod } from "../../infra/policy/rules";
import { buildManifests, type ManifestsInput, SERVER_POD } from "../../k8s/pods";

const input: ManifestsInput = {
  instance: "opsdeck-dev",
  namespace: "opsdeck",
  image: "registry.example.com/opsdeck-server:1.0",
  appConfigJson: '{"storage":{"type":"local","dir":"/var/lib/opsdeck/data"}}',
  storage: { type: "volume", sizeLimit: "1Gi" },
  secretName: "opsdeck-secrets",
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  logLevel: "info",
  extraPods: [
    {
      name: "worker",
      command: ["node", "dist/cli/opsdeck.js", "agent"],
      env: { A: "1" },
      secretEnv: { B: "b-key" },
    },
    { name: "probe", image: "busybox:1.36", port: 8080, env: {}, secretEnv: {} },
  ],
};
const manifests = buildManifests(input);
const server = manifests.pods.find((pod) => pod.metadata?.name === SERVER_POD);
const containerOf = (name: string) =>
  manifests.pods.find((pod) => pod.metadata?.name === name)?.spec?.containers[0];

describe("the Pod builder", () => {
  it("every Pod is schema-valid and non-root", () => {
    expect(() => new Namespace(manifests.namespace).validate()).not.toThrow();
    expect(manifests.pods.map((pod) => pod.metadata?.name)).toEqual([SERVER_POD, "worker", "probe"]);
    for (const pod of manifests.pods) {
      expect(() => new Pod(pod).validate(), pod.metadata?.name).not.toThrow();
      expect(pod.spec?.securityContext?.runAsNonRoot, pod.metadata?.name).toBe(true);
      expect(checkPod(pod), pod.metadata?.name).toEqual([]);
    }
  });

  it("locks every container down: read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp", () => {
    for (const pod of manifests.pods) {
      expect(pod.spec?.securityContext?.seccompProfile).toEqual({ type: "RuntimeDefault" });
      expect(pod.spec?.automountServiceAccountToken).toBe(false);
      for (const container of pod.spec?.containers ?? [])
        expect(container.securityContext).toEqual({
          runAsNonRoot: true,
          runAsUser: 1000,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
    }
  });

  it("gives every container requests and limits, and a writable /tmp", () => {
    for (const pod of manifests.pods) {
      const [container] = pod.spec?.containers ?? [];
      expect(container?.resources, pod.metadata?.name).toEqual(input.resources);
      expect(container?.volumeMounts, pod.metadata?.name).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    }
  });

  it("probes the server on /healthz at its port, and an extra Pod only when it declares a port", () => {
    const container = containerOf(SERVER_POD);

    expect(container?.ports).toEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    expect(container?.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container?.readinessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(containerOf("probe")?.readinessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(containerOf("worker")?.livenessProbe).toBeUndefined();
  });

  it("labels everything with the app, its instance and its component", () => {
    expect(server?.metadata?.labels).toEqual({
      "app.kubernetes.io/name": "opsdeck",
      "app.kubernetes.io/instance": "opsdeck-dev",
      "app.kubernetes.io/component": "server",
      "app.kubernetes.io/part-of": "opsdeck",
    });
    expect(manifests.pods.every((pod) => pod.metadata?.namespace === "opsdeck")).toBe(true);
  });

  it("passes the app config and refers to secrets only by Secret reference", () => {
    const env = containerOf(SERVER_POD)?.env ?? [];

    expect(env).toContainEqual({ name: "OPSDECK_CONFIG", value: input.appConfigJson });
    expect(env).toContainEqual({
      name: "OPSDECK_DASHBOARD_TOKEN",
      valueFrom: { secretKeyRef: { name: "opsdeck-secrets", key: "dashboard-token", optional: true } },
    });
    expect(env).toContainEqual({
      name: "OPSDECK_HOST_NAME",
      valueFrom: { fieldRef: { fieldPath: "metadata.name" } },
    });
    expect(containerOf("worker")?.env).toContainEqual({
      name: "B",
      valueFrom: { secretKeyRef: { name: "opsdeck-secrets", key: "b-key", optional: false } },
    });
  });

  it("keeps a volume-backed store on its own sized volume, and asks for AWS credentials only with the bucket", () => {
    expect(server?.spec?.volumes).toContainEqual({ name: "data", emptyDir: { sizeLimit: "1Gi" } });
    expect(containerOf(SERVER_POD)?.volumeMounts).toContainEqual({
      name: "data",
      mountPath: "/var/lib/opsdeck",
    });
    expect(JSON.stringify(server)).not.toContain("AWS_ACCESS_KEY_ID");

    const bucketPod = buildManifests({ ...input, storage: { type: "bucket" }, extraPods: [] }).pods[0];
    expect(bucketPod?.spec?.volumes?.map((volume) => volume.name)).toEqual(["tmp"]);
    expect(JSON.stringify(bucketPod)).toContain('"key":"aws-access-key-id","optional":true');
  });

  it("runs an extra Pod on the server image unless it names its own", () => {
    expect(containerOf("worker")?.image).toBe(input.image);
    expect(containerOf("probe")?.image).toBe("busybox:1.36");
    expect(containerOf("worker")?.command).toEqual(["node", "dist/cli/opsdeck.js", "agent"]);
  });
});
