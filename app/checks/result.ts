import type { CheckType } from "./config";

export type CheckStatus = "up" | "degraded" | "down";

/** One condition a probe evaluated; a failed one decides whether the check is degraded or down. */
export interface ConditionResult {
  name: string;
  passed: boolean;
  /** What a failure means for the check. */
  severity: "degraded" | "down";
  detail?: string;
}

export interface CertificateInfo {
  subject?: string;
  issuer?: string;
  validTo: string;
  /** Whole days until expiry; negative once expired. */
  daysLeft: number;
  /** Whether the chain verified against the trusted CAs. */
  authorized: boolean;
  authorizationError?: string;
}

/** What one probe attempt found, before the runner adds timing and attempts. */
export interface ProbeOutcome {
  status: CheckStatus;
  message: string;
  conditions: ConditionResult[];
  statusCode?: number;
  certificate?: CertificateInfo;
  /** DNS answers, for the record. */
  answers?: string[];
}

/** A check's result: a failed check is data, never an exception. */
export interface CheckResult extends ProbeOutcome {
  checkId: string;
  type: CheckType;
  /** ISO timestamp of the round's start for this check. */
  startedAt: string;
  /** Duration of the last attempt, in milliseconds. */
  durationMs: number;
  attempts: number;
  /** Set when a maintenance window covered the check (its id). */
  maintenance?: string;
}

/** Status from conditions: any failed `down` condition wins, then any failed `degraded` one. */
export function outcomeFromConditions(
  conditions: ConditionResult[],
  extra: Omit<ProbeOutcome, "status" | "message" | "conditions"> = {},
): ProbeOutcome {
  const failedDown = conditions.find((c) => !c.passed && c.severity === "down");
  const failedDegraded = conditions.find((c) => !c.passed && c.severity === "degraded");
  const failed = failedDown ?? failedDegraded;
  return {
    status: failedDown ? "down" : failedDegraded ? "degraded" : "up",
    message: failed ? (failed.detail ?? `${failed.name} failed`) : "OK",
    conditions,
    ...extra,
  };
}

/** A probe that could not complete (refused, timed out, unparsable). */
export function downOutcome(message: string, extra: Partial<ProbeOutcome> = {}): ProbeOutcome {
  return { status: "down", message, conditions: [], ...extra };
}

/** Outcomes in which the target never answered; kept out of the outcome itself so it is never stored. */
const unreachableOutcomes = new WeakSet<ProbeOutcome>();

/**
 * A down outcome in which the target gave no answer (connection refused or reset, TLS handshake
 * failed, resolver timed out). Only these, with timeouts, count toward the target's circuit
 * breaker: a bad answer (status 500, a body or DNS answer mismatch) is about one check, not the target.
 */
export function unreachableOutcome(message: string, extra: Partial<ProbeOutcome> = {}): ProbeOutcome {
  const outcome = downOutcome(message, extra);
  unreachableOutcomes.add(outcome);
  return outcome;
}

/** Whether a probe returned `unreachableOutcome` (the very object, not a copy of it). */
export function isUnreachable(outcome: unknown): boolean {
  return typeof outcome === "object" && outcome !== null && unreachableOutcomes.has(outcome as ProbeOutcome);
}

/**
 * A check the round's cancel cut short or never started (shutdown): not a verdict on the target,
 * so it is not stored in history, not evaluated by the alert engine and not notified.
 */
export interface CancelledCheck {
  checkId: string;
  type: CheckType;
  status: "cancelled";
  /** Why it has no result: cancelled while probing, or before it started. */
  message: string;
  /** ISO timestamp of the check's start; absent when it never started. */
  startedAt?: string;
  /** Time spent in the cut-short attempt, in milliseconds (0 when it never started). */
  durationMs: number;
  /** Attempts begun, the cut-short one included (0 when it never started). */
  attempts: number;
}

/** What running one check comes to: a result, or cancelled with the round. */
export type CheckRun = CheckResult | CancelledCheck;

export function isCancelled(run: CheckRun): run is CancelledCheck {
  return run.status === "cancelled";
}
