import type { V1ContainerStatus, V1Pod, V1PodList } from "@kubernetes/client-node";
import type { ConditionResult, ProbeOutcome } from "./result";

/**
 * Judges a pod list the way an SRE reads `kubectl get pods`: which pods are crash-looping, cannot
 * pull their image, failed, or are not ready, and why. Pure: the probe fetches, this decides.
 */

/** Waiting reasons that will not clear up by themselves: the kubelet is backing off or cannot start the container. */
const FAILING_WAITING_REASONS = new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "ErrImageNeverPull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

/** One thing wrong with one pod (and container, when it is about one). */
export interface PodFinding {
  pod: string;
  container?: string;
  /** Kubernetes' own word for it: CrashLoopBackOff, Unschedulable, Evicted, NotReady, Restarts… */
  reason: string;
  /** Kubernetes' message, when it gave one. */
  message?: string;
  severity: "down" | "degraded";
}

export interface PodAssessment {
  /** Pods that count: not Succeeded and not terminating. */
  pods: number;
  /** Of those, pods whose Ready condition is True (a restarting pod may be ready and still a finding). */
  ready: number;
  findings: PodFinding[];
}

export interface PodHealthOptions {
  /** A container restarted more often than this is a degraded finding; undefined ignores restarts. */
  maxRestarts?: number | undefined;
}

export function assessPods(list: V1PodList, options: PodHealthOptions = {}): PodAssessment {
  const assessment: PodAssessment = { pods: 0, ready: 0, findings: [] };
  for (const pod of list.items) {
    // Completed jobs are done, and a terminating pod (a rollout, a scale-down) is on its way out.
    if (pod.status?.phase === "Succeeded" || pod.metadata?.deletionTimestamp !== undefined) continue;
    assessment.pods++;
    if (isReady(pod)) assessment.ready++;
    assessment.findings.push(...podFindings(pod, options));
  }
  return assessment;
}

function podFindings(pod: V1Pod, options: PodHealthOptions): PodFinding[] {
  const name = pod.metadata?.name ?? "(unnamed)";
  const status = pod.status;
  if (status?.phase === "Failed")
    return [finding(name, undefined, status.reason ?? "Failed", status.message, "down")];
  const containers = [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])];
  const findings: PodFinding[] = [];
  for (const c of containers) {
    const waiting = c.state?.waiting;
    if (waiting?.reason && FAILING_WAITING_REASONS.has(waiting.reason))
      findings.push(finding(name, c.name, waiting.reason, waiting.message, "down"));
  }
  // A crash-looping pod is not ready either; its waiting reason already says why.
  if (findings.length === 0 && !isReady(pod)) findings.push(notReadyFinding(name, pod));
  if (options.maxRestarts !== undefined)
    for (const c of containers)
      if (c.restartCount > options.maxRestarts)
        findings.push(finding(name, c.name, "Restarts", restartsMessage(c), "degraded"));
  return findings;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * The most specific reason a pod is not ready: unscheduled, an app container not ready (waiting,
 * e.g. ContainerCreating or PodInitializing, or running with its probe failing), or the Ready
 * condition's own reason (readiness gates).
 */
function notReadyFinding(name: string, pod: V1Pod): PodFinding {
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False")
    return finding(name, undefined, scheduled.reason ?? "NotScheduled", scheduled.message, "down");
  const notReady = pod.status?.containerStatuses?.find((c) => !c.ready);
  const state = notReady?.state;
  if (notReady && state?.waiting)
    return finding(name, notReady.name, state.waiting.reason ?? "Waiting", state.waiting.message, "down");
  if (notReady && state?.terminated)
    return finding(
      name,
      notReady.name,
      state.terminated.reason ?? "Terminated",
      state.terminated.message,
      "down",
    );
  if (notReady)
    return finding(
      name,
      notReady.name,
      "NotReady",
      "running, but its readiness or startup probe is not passing",
      "down",
    );
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  return finding(name, undefined, ready?.reason ?? pod.status?.phase ?? "NotReady", ready?.message, "down");
}

function restartsMessage(c: V1ContainerStatus): string {
  const last = c.lastState?.terminated;
  const lastExit = last ? `; last exit: ${last.reason ?? "Error"} (exit ${last.exitCode})` : "";
  return `restarted ${c.restartCount} times${lastExit}`;
}

function finding(
  pod: string,
  container: string | undefined,
  reason: string,
  message: string | undefined,
  severity: PodFinding["severity"],
): PodFinding {
  return {
    pod,
    ...(container !== undefined ? { container } : {}),
    reason,
    ...(message ? { message } : {}),
    severity,
  };
}

/** Findings listed one condition each, up to this many; the message counts the rest. */
const MAX_FINDING_CONDITIONS = 20;
/** Findings named in the one-line message. */
const MAX_MESSAGE_FINDINGS = 3;

export interface PodScope {
  namespace: string;
  labelSelector?: string | undefined;
  minPods: number;
}

/** The check's verdict: down on any down finding or too few pods, degraded on restarts only, else up. */
export function podHealthOutcome(assessment: PodAssessment, scope: PodScope): ProbeOutcome {
  const where = `in namespace ${scope.namespace}${scope.labelSelector ? ` matching ${scope.labelSelector}` : ""}`;
  const enough = assessment.pods >= scope.minPods;
  const countCondition: ConditionResult = {
    name: "pods",
    passed: enough,
    severity: "down",
    detail: enough
      ? `${assessment.ready} of ${assessment.pods} pods ready ${where}`
      : assessment.pods === 0
        ? `no pods ${where}`
        : `${assessment.pods} pods ${where}, expected at least ${scope.minPods}`,
  };
  const { findings } = assessment;
  const conditions = [countCondition, ...findings.slice(0, MAX_FINDING_CONDITIONS).map(findingCondition)];
  const down = !enough || findings.some((f) => f.severity === "down");
  const status = down ? "down" : findings.length > 0 ? "degraded" : "up";
  return { status, message: summary(assessment, countCondition, enough), conditions };
}

function summary(assessment: PodAssessment, count: ConditionResult, enough: boolean): string {
  const { findings } = assessment;
  if (findings.length === 0) return count.detail ?? "";
  const unhealthy = new Set(findings.map((f) => f.pod)).size;
  const named = findings.slice(0, MAX_MESSAGE_FINDINGS).map((f) => `${subject(f)} ${f.reason}`);
  const more =
    findings.length > MAX_MESSAGE_FINDINGS ? ` and ${findings.length - MAX_MESSAGE_FINDINGS} more` : "";
  const prefix = enough ? "" : `${count.detail}; `;
  return `${prefix}${unhealthy} of ${assessment.pods} pods unhealthy: ${named.join(", ")}${more}`;
}

function subject(f: PodFinding): string {
  return f.container === undefined ? f.pod : `${f.pod}/${f.container}`;
}

function findingCondition(f: PodFinding): ConditionResult {
  return {
    name: f.container === undefined ? `pod ${f.pod}` : `pod ${f.pod} container ${f.container}`,
    passed: false,
    severity: f.severity,
    detail: f.message ? `${f.reason}: ${f.message}` : f.reason,
  };
}
