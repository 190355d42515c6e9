import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildManifests } from "../../k8s/pods";
import { manifestPath, renderManifests } from "../../k8s/render";

const manifests = buildManifests({
  instance: "opsdeck-dev",
  namespace: "opsdeck",
  image: "opsdeck-server:dev",
  appConfigJson: "{}",
  storage: { type: "bucket" },
  secretName: "opsdeck-secrets",
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  logLevel: "info",
  extraPods: [],
});

describe("rendering manifests", () => {
  it("names files as @pulumi/kubernetes's renderYamlToDirectory does", () => {
    expect(
      manifestPath({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "opsdeck-server", namespace: "opsdeck" },
      }),
    ).toBe("1-manifest/v1-pod-opsdeck-opsdeck-server.yaml");
    expect(manifestPath({ apiVersion: "v1", kind: "Namespace", metadata: { name: "opsdeck" } })).toBe(
      "1-manifest/v1-namespace-default-opsdeck.yaml",
    );
    expect(
      manifestPath({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x", namespace: "y" } }),
    ).toBe("1-manifest/apps_v1-deployment-y-x.yaml");
  });

  it("writes one YAML document per object, with map keys sorted, that reads back as the object", () => {
    const files = renderManifests(manifests);

    expect(files.map((file) => file.path)).toEqual([
      "1-manifest/v1-namespace-default-opsdeck.yaml",
      "1-manifest/v1-pod-opsdeck-opsdeck-server.yaml",
    ]);
    const pod = files[1]?.content ?? "";
    expect(parse(pod)).toEqual(manifests.pods[0]);
    expect(pod.split("\n").filter((line) => /^\S/.test(line))).toEqual([
      "apiVersion: v1",
      "kind: Pod",
      "metadata:",
      "spec:",
    ]);
  });
});
