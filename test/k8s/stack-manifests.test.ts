import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Pod } from "kubernetes-models/v1/Pod";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  ManifestsInputError,
  stackManifests,
  staleManifests,
  writeManifests,
} from "../../k8s/stack-manifests";
import { useTempDirs } from "../support/temp-dir";

const root = path.resolve(__dirname, "../..");

describe("manifests from a stack's config", () => {
  const tempDir = useTempDirs("opsdeck-manifests");

  it("the committed k8s/rendered/dev manifests are what the dev stack renders", async () => {
    const { files, renderDirectory } = stackManifests({ stack: "dev" });

    expect(path.relative(root, renderDirectory)).toBe("k8s/rendered/dev");
    expect(await staleManifests(files, renderDirectory)).toEqual([]);
  });

  it("every rendered object is schema-valid and every Pod non-root", () => {
    const { files } = stackManifests({ stack: "dev" });

    for (const file of files) {
      const object = parse(file.content);
      const model = object.kind === "Pod" ? new Pod(object) : new Namespace(object);
      expect(() => model.validate(), file.path).not.toThrow();
      if (object.kind === "Pod") expect(object.spec.securityContext.runAsNonRoot, file.path).toBe(true);
    }
  });

  it("writes into a directory and removes manifests the stack no longer renders", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "1-manifest"), { recursive: true });
    await writeFile(path.join(dir, "1-manifest/v1-pod-opsdeck-removed.yaml"), "kind: Pod\n");
    const { files } = stackManifests({ stack: "dev" });

    await writeManifests(files, dir);

    expect((await readdir(path.join(dir, "1-manifest"))).sort()).toEqual([
      "v1-namespace-default-opsdeck.yaml",
      "v1-pod-opsdeck-opsdeck-server.yaml",
    ]);
    expect(await staleManifests(files, dir)).toEqual([]);
  });

  it("reports a changed, missing or stale file", async () => {
    const dir = await tempDir();
    const { files } = stackManifests({ stack: "dev" });
    await writeManifests(files, dir);
    await writeFile(path.join(dir, "1-manifest/v1-pod-opsdeck-opsdeck-server.yaml"), "edited\n");
    await writeFile(path.join(dir, "1-manifest/v1-pod-opsdeck-old.yaml"), "kind: Pod\n");

    expect(await staleManifests(files, dir)).toEqual([
      "1-manifest/v1-pod-opsdeck-opsdeck-server.yaml",
      "1-manifest/v1-pod-opsdeck-old.yaml",
    ]);
  });

  it("compares objects, not formatting: the provider's own YAML layout of the same object is up to date", async () => {
    const dir = await tempDir();
    const { files } = stackManifests({ stack: "dev" });
    await writeManifests(files, dir);
    const pod = path.join(dir, "1-manifest/v1-pod-opsdeck-opsdeck-server.yaml");
    const object = parse(await readFile(pod, "utf8"));
    // Go's YAML writer: sequences not indented under their key, strings double-quoted.
    await writeFile(pod, stringify(object, { indentSeq: false, defaultStringType: "QUOTE_DOUBLE" }));
    expect(await staleManifests(files, dir)).toEqual([]);

    object.spec.containers[0].image = "registry.example/opsdeck:other";
    await writeFile(pod, stringify(object, { indentSeq: false }));
    expect(await staleManifests(files, dir)).toEqual(["1-manifest/v1-pod-opsdeck-opsdeck-server.yaml"]);
  });

  it("uses a given image and bucket, and says how to get them when the stack config cannot provide them", async () => {
    const dir = await tempDir();
    const projectFile = await readFile(path.join(root, "Pulumi.yaml"), "utf8");
    await writeFile(path.join(dir, "Pulumi.yaml"), projectFile);
    await writeFile(
      path.join(dir, "Pulumi.prod.yaml"),
      "config:\n  aws:region: eu-central-1\n  opsdeck:kubernetes:\n    enabled: true\n",
    );

    expect(() => stackManifests({ stack: "prod", root: dir })).toThrow(ManifestsInputError);
    expect(() => stackManifests({ stack: "prod", root: dir })).toThrow(/pass --image/);
    expect(() => stackManifests({ stack: "prod", root: dir, image: "opsdeck-server:1" })).toThrow(
      /pass --bucket/,
    );

    const { files } = stackManifests({
      stack: "prod",
      root: dir,
      image: "r.example.com/s:1",
      bucket: "prod-backups-x1",
    });
    const pod = parse(files.find((file) => file.path.includes("pod"))?.content ?? "");
    const config = JSON.parse(
      pod.spec.containers[0].env.find((e: { name: string }) => e.name === "OPSDECK_CONFIG").value,
    );
    expect(pod.spec.containers[0].image).toBe("r.example.com/s:1");
    expect(config.storage).toEqual({
      type: "s3",
      bucket: "prod-backups-x1",
      prefix: "",
      region: "eu-central-1",
    });
  });

  it("`npm run manifests -- --check` passes on the committed files and fails, naming the file, on a stale one", async () => {
    const dir = await tempDir();
    const run = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/manifests.ts", ...args], {
        cwd: root,
        encoding: "utf8",
      });

    const check = run(["--stack", "dev", "--check"]);
    const stale = run(["--stack", "dev", "--check", "--out", dir]);

    expect(check.stdout).toContain("are up to date (2 files)");
    expect(check.status).toBe(0);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("1-manifest/v1-pod-opsdeck-opsdeck-server.yaml");
  });
});
