import type { KubeConfig, ObservableMiddleware, V1PodList } from "@kubernetes/client-node";
import type { KubernetesCheckConfig } from "./config";

type ClientModule = typeof import("@kubernetes/client-node");

/** A kubeconfig (or in-cluster) problem the user fixes in a file or the check; the message names the field. */
export class KubeConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KubeConfigError";
  }
}

/**
 * The client is loaded on first use: it is large (every API group's models), most processes never
 * run a kubernetes check, and the Lambda bundle leaves it out (scripts/build.ts) to stay under 1 MB.
 */
export async function loadClient(): Promise<ClientModule> {
  try {
    return await import("@kubernetes/client-node");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new KubeConfigError(
      "kubernetes checks need @kubernetes/client-node, which this build does not include (the Lambda bundle leaves it out; run them from the server or the opsdeck CLI)",
      { cause: error },
    );
  }
}

/** Where a check's credentials come from, in words, for messages and the breaker's target. */
export function kubeConfigSource(check: KubernetesCheckConfig): string {
  const source = check.inCluster ? "in-cluster" : (check.kubeconfig ?? "default");
  return check.context ? `${source}@${check.context}` : source;
}

/**
 * Loads the check's credentials like kubectl: the `kubeconfig` file, else $KUBECONFIG or
 * ~/.kube/config, or the pod's service account with `inCluster`; then selects `context`. The
 * client reads the environment itself (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT).
 */
export async function loadKubeConfig(check: KubernetesCheckConfig): Promise<KubeConfig> {
  const { KubeConfig } = await loadClient();
  const kc = new KubeConfig();
  if (check.inCluster) {
    if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT)
      throw new KubeConfigError(
        "inCluster: KUBERNETES_SERVICE_HOST/PORT are not set, so this is not running in a pod; use kubeconfig instead",
      );
    kc.loadFromCluster();
    return kc;
  }
  if (check.kubeconfig !== undefined) {
    try {
      kc.loadFromFile(check.kubeconfig);
    } catch (error) {
      throw new KubeConfigError(`kubeconfig: cannot load ${check.kubeconfig}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  } else {
    try {
      kc.loadFromDefault();
    } catch (error) {
      throw new KubeConfigError(`cannot load the default kubeconfig: ${messageOf(error)}`, { cause: error });
    }
    // With nothing to load, the client quietly falls back to http://localhost:8080: say so instead.
    if (
      kc.getCurrentContext() === "loaded-context" &&
      kc.getCurrentCluster()?.server === "http://localhost:8080"
    )
      throw new KubeConfigError(
        "no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not in a cluster: set kubeconfig, or inCluster: true",
      );
  }
  if (check.context !== undefined) {
    if (!kc.getContextObject(check.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeConfigError(
        `context: "${check.context}" is not in ${check.kubeconfig ?? "the kubeconfig"} (it has: ${known.join(", ") || "none"})`,
      );
    }
    kc.setCurrentContext(check.context);
  }
  if (!kc.getCurrentCluster())
    throw new KubeConfigError(
      `${check.kubeconfig ?? "the kubeconfig"}: its current-context "${kc.getCurrentContext()}" names no cluster; set context`,
    );
  return kc;
}

/** Lists the check's pods; aborting `signal` abandons the request and closes its connection. */
export async function listPods(
  kc: KubeConfig,
  check: KubernetesCheckConfig,
  signal: AbortSignal,
): Promise<V1PodList> {
  const { CoreV1Api, Observable } = await loadClient();
  // The generated client has no timeout option; its request context carries a signal to node-fetch.
  const abortable: ObservableMiddleware = {
    pre: (request) => {
      request.setSignal(signal);
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return kc.makeApiClient(CoreV1Api).listNamespacedPod(
    {
      namespace: check.namespace,
      ...(check.labelSelector !== undefined ? { labelSelector: check.labelSelector } : {}),
    },
    { middleware: [abortable], middlewareMergeStrategy: "append" },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
