import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { buildManifests } from "../../k8s/pods";
import type { KubernetesConfig } from "../config";
import { manifestsInput } from "../rules/kubernetes-manifests";
import { bindInputs } from "../rules/late-binding";

export interface KubernetesPodsArgs {
  settings: KubernetesConfig;
  project: string;
  stack: string;
  logLevel: string;
  /** The `server` image: a configured reference, or the stack's ECR image by digest. */
  image: pulumi.Input<string>;
  /** The Pods' app config (storage included) as JSON text. */
  appConfigJson: pulumi.Input<string>;
}

/** Stand in for values known only at deployment; bound after building (see bindInputs). */
const IMAGE_TOKEN = "<opsdeck:server-image>";
const CONFIG_TOKEN = "<opsdeck:app-config>";

/**
 * The Namespace and Pods from k8s/pods.ts through an explicit Kubernetes provider: rendered as YAML into
 * `renderDirectory` (no cluster needed), or applied to the cluster of a kubeconfig.
 */
export class KubernetesPods extends pulumi.ComponentResource {
  public readonly namespace: string;
  public readonly podNames: string[];
  /** Where the YAML is written (render mode). */
  public readonly renderDirectory: string | undefined;

  constructor(name: string, args: KubernetesPodsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("opsdeck:kubernetes:KubernetesPods", name, {}, opts);
    const { settings } = args;

    const provider = new k8s.Provider(
      `${name}-provider`,
      settings.mode === "render"
        ? { renderYamlToDirectory: settings.renderDirectory }
        : { kubeconfig: settings.kubeconfig, context: settings.context },
      { parent: this },
    );
    const manifests = buildManifests(
      manifestsInput(
        { project: args.project, stack: args.stack, kubernetes: settings, logLevel: args.logLevel },
        { image: IMAGE_TOKEN, appConfigJson: CONFIG_TOKEN },
      ),
    );
    const bindings = { [IMAGE_TOKEN]: args.image, [CONFIG_TOKEN]: args.appConfigJson };

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: manifests.namespace.metadata },
      { parent: this, provider },
    );
    for (const pod of manifests.pods) {
      const podName = pod.metadata?.name ?? "pod";
      new k8s.core.v1.Pod(
        `${name}-${podName}`,
        {
          metadata: pod.metadata,
          spec: bindInputs(pod.spec, bindings) as pulumi.Input<k8s.types.input.core.v1.PodSpec>,
        },
        { parent: this, provider, dependsOn: [namespace] },
      );
    }

    this.namespace = settings.namespace;
    this.podNames = manifests.pods.map((pod) => pod.metadata?.name ?? "");
    this.renderDirectory = settings.mode === "render" ? settings.renderDirectory : undefined;
    this.registerOutputs({ namespace: this.namespace, podNames: this.podNames });
  }
}
