import { z } from "zod";
import type { KubernetesCheckConfig } from "./config";
import { KubeConfigError } from "./kubernetes-client";
import { downOutcome, type ProbeOutcome, unreachableOutcome } from "./result";

/** The `Status` object the API server sends with an error (`{ kind: "Status", message, reason, code }`). */
const statusSchema = z.object({ message: z.string().optional(), reason: z.string().optional() });

/** Node's codes for a certificate that did not verify (self-signed, unknown issuer, wrong name, expired). */
const TLS_VERIFY_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** What the generated client throws for a non-2xx answer (its ApiException), by shape. */
interface ApiAnswer {
  code: number;
  body: unknown;
}

function isApiAnswer(error: unknown): error is ApiAnswer {
  return (
    error instanceof Error &&
    typeof (error as Partial<ApiAnswer>).code === "number" &&
    error.message.startsWith("HTTP-Code:")
  );
}

/**
 * Turns a failed pod list into the check's result. An answer (401, 403, 404, 5xx) and a bad
 * kubeconfig are down; no answer at all (refused, reset, DNS, aborted) is unreachable, so it
 * counts toward the cluster's breaker. Never includes request headers: they carry the token.
 */
export interface KubernetesTarget {
  /** The API server URL, once the kubeconfig loaded. */
  server: string;
  /** The credential plugin the kubeconfig's user runs (`aws`, `gke-gcloud-auth-plugin`), if any. */
  execCommand?: string | undefined;
}

export function kubernetesFailure(
  error: unknown,
  check: KubernetesCheckConfig,
  { server, execCommand }: KubernetesTarget,
): ProbeOutcome {
  if (error instanceof KubeConfigError) return downOutcome(error.message);
  if (isApiAnswer(error)) return answerOutcome(error, check, server);
  if (!(error instanceof Error)) return downOutcome(`listing pods failed: ${String(error)}`);
  if (error.name === "AbortError")
    return unreachableOutcome(`cannot reach the API server ${server}: aborted`);
  // node-fetch wraps connection and TLS failures in FetchError with the system code; anything else
  // (an unreadable token file, an exec plugin that failed) is about the credentials, not the server.
  if (error.name !== "FetchError") {
    // The client rejects with the plugin's stderr, which may be empty.
    if (execCommand !== undefined)
      return downOutcome(
        `credential plugin ${execCommand} failed: ${error.message.trim() || "it exited with an error and printed nothing"}`,
      );
    return downOutcome(`listing pods failed: ${error.message}`);
  }
  const code = (error as NodeJS.ErrnoException).code;
  // A handshake that failed verification counts like no answer (as for http checks), but says why.
  if (code !== undefined && TLS_VERIFY_CODES.test(code))
    return unreachableOutcome(
      `API server ${server}: certificate not trusted (${code}); check the kubeconfig's certificate-authority(-data)`,
    );
  return unreachableOutcome(`cannot reach the API server ${server}: ${code ?? error.message}`);
}

function answerOutcome(error: ApiAnswer, check: KubernetesCheckConfig, server: string): ProbeOutcome {
  const said = statusMessage(error.body);
  const extra = { statusCode: error.code };
  switch (error.code) {
    case 401:
      return downOutcome(
        `API server ${server} answered 401 Unauthorized: its credentials (${credentialsOf(check)}) were rejected or have expired`,
        extra,
      );
    case 403:
      return downOutcome(
        `API server answered 403 Forbidden${said ? `: ${said}` : ""}; the identity needs get and list on pods in namespace ${check.namespace}`,
        extra,
      );
    case 404:
      return downOutcome(
        `API server answered 404 Not Found for /api/v1/namespaces/${check.namespace}/pods: is ${server} a Kubernetes API server?`,
        extra,
      );
    default:
      return downOutcome(`API server answered ${error.code}${said ? `: ${said}` : ""}`, extra);
  }
}

/** The Status message from an error body (a JSON string), if it is one. */
function statusMessage(body: unknown): string | undefined {
  if (typeof body !== "string" && !Buffer.isBuffer(body)) return undefined;
  try {
    const status = statusSchema.safeParse(JSON.parse(body.toString()));
    return status.success ? (status.data.message ?? status.data.reason) : undefined;
  } catch {
    return undefined;
  }
}

function credentialsOf(check: KubernetesCheckConfig): string {
  if (check.inCluster) return "the pod's service account";
  return `${check.kubeconfig ?? "the default kubeconfig"}${check.context ? `, context ${check.context}` : ""}`;
}
