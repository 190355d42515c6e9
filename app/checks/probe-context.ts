import type { KubeConfig } from "@kubernetes/client-node";
import type { Dispatcher } from "undici";
import type { HttpCheckConfig, KubernetesCheckConfig } from "./config";
import type { DnsResolver } from "./dns-probe";
import type { CertificateInfo } from "./result";

/** What a probe may use from the outside world; the runner builds it per attempt. */
export interface ProbeContext {
  /** Aborted when the attempt times out or the round is cancelled. */
  signal: AbortSignal;
  now: () => Date;
  fetch: typeof fetch;
  /** A dispatcher honouring the check's TLS options (private CA, insecure), if it has any. */
  dispatcherFor(check: HttpCheckConfig): Promise<Dispatcher | undefined>;
  /** The peer certificate of an https URL (cached per origin for a while). */
  certificateFor(check: HttpCheckConfig, url: URL, signal: AbortSignal): Promise<CertificateInfo>;
  createResolver(server?: string): DnsResolver;
  /** The check's loaded kubeconfig (cached for a while, so exec plugins' tokens are reused). */
  kubeConfigFor(check: KubernetesCheckConfig): Promise<KubeConfig>;
}
