/**
 * Manifests as YAML files, laid out the way `@pulumi/kubernetes` renders them with
 * `renderYamlToDirectory` (`<dir>/1-manifest/<apiVersion>-<kind>-<namespace>-<name>.yaml`, map keys
 * sorted), so `npm run manifests` and `pulumi up` write the same objects in the same place (the
 * provider's Go YAML writer indents and quotes differently; `--check` compares objects).
 */
import { stringify } from "yaml";
import type { Manifests } from "./pods";

export interface RenderedFile {
  /** Relative to the render directory. */
  path: string;
  content: string;
}

interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

/** The provider's file name for an object: the namespace is `default` for cluster-scoped kinds. */
export function manifestPath(object: ManifestObject): string {
  const sanitize = (text: string) => text.replace(/[/:]/g, "_");
  const namespace = object.metadata?.namespace || "default";
  const name = object.metadata?.name ?? "";
  return `1-manifest/${sanitize(object.apiVersion)}-${object.kind.toLowerCase()}-${namespace}-${name}.yaml`;
}

export function renderManifests(manifests: Manifests): RenderedFile[] {
  return [manifests.namespace, ...manifests.pods].map((object) => ({
    path: manifestPath(object as ManifestObject),
    content: stringify(object, { sortMapEntries: true, lineWidth: 0 }),
  }));
}
