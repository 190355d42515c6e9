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
