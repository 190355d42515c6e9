import { type ManifestsInput, podStorageConfig } from "../../k8s/pods";
import type { KubernetesConfig } from "../delivery-config";
import { bucketStorage, deployedAppConfig, type RawAppConfig } from "./app-config";

/**
 * The Pods' app config: the shared one, stored on the Pod's volume, or in the bucket (whose name exists
 * only after deployment, hence optional here and required for bucket storage).
 */
export function podAppConfig(
  shared: RawAppConfig,
  storage: KubernetesConfig["storage"],
  bucket?: { name: string; region: string | undefined },
): RawAppConfig {
  const local = podStorageConfig(storage);
  if (local !== undefined) return deployedAppConfig(shared, { storage: local });
  if (bucket === undefined) throw new Error("bucket storage needs the bucket's name and region");
  return deployedAppConfig(shared, { storage: bucketStorage(bucket.name, bucket.region) });
}

/** What the Pod builder needs, from the stack config and the two values known only at deployment. */
export function manifestsInput(
  config: { project: string; stack: string; kubernetes: KubernetesConfig; logLevel: string },
  values: { image: string; appConfigJson: string },
): ManifestsInput {
  const { kubernetes } = config;
  return {
    instance: `${config.project}-${config.stack}`,
    namespace: kubernetes.namespace,
    image: values.image,
    appConfigJson: values.appConfigJson,
    storage: kubernetes.storage,
    secretName: kubernetes.secretName,
    resources: kubernetes.resources,
    logLevel: config.logLevel,
    extraPods: kubernetes.pods,
  };
}
