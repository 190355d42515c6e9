import { type ManifestsInput, podStorageConfig } from "../../k8s/pods";
import type { KubernetesConfig } from "../delivery-config";
import { bucketStorage, deployedAppConfig, type RawAppConfig } from "./app-config";

/** The Pods' app config: the shared one, stored in the bucket or on the Pod's volume. */
export function podAppConfig(
  shared: RawAppConfig,
  storage: KubernetesConfig["storage"],
  bucket: { name: string; region: string | undefined },
): RawAppConfig {
  return deployedAppConfig(shared, {
    storage: podStorageConfig(storage) ?? bucketStorage(bucket.name, bucket.region),
  });
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
