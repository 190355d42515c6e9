import type { KubernetesCheckConfig } from "./config";
import { listPods } from "./kubernetes-client";
import { type KubernetesTarget, kubernetesFailure } from "./kubernetes-errors";
import { assessPods, podHealthOutcome } from "./pod-health";
import type { ProbeContext } from "./probe-context";
import { downOutcome, type ProbeOutcome } from "./result";

/** Lists the check's pods through the Kubernetes API and judges them (pod-health.ts). */
export async function probeKubernetes(
  check: KubernetesCheckConfig,
  ctx: ProbeContext,
): Promise<ProbeOutcome> {
  const target: KubernetesTarget = { server: "(not loaded)" };
  try {
    const kc = await ctx.kubeConfigFor(check);
    target.server = kc.getCurrentCluster()?.server ?? target.server;
    target.execCommand = kc.getCurrentUser()?.exec?.command;
    const { server } = target;
    const list = await listPods(kc, check, ctx.signal);
    // The client deserialises without validating: a proxy's `{}` must not read as "no pods".
    if (!Array.isArray(list.items))
      return downOutcome(
        `API server ${server} answered, but not with a PodList (kind: ${list.kind ?? "none"})`,
      );
    return podHealthOutcome(assessPods(list, { maxRestarts: check.maxRestarts }), {
      namespace: check.namespace,
      labelSelector: check.labelSelector,
      minPods: check.minPods,
    });
  } catch (error) {
    return kubernetesFailure(error, check, target);
  }
}
