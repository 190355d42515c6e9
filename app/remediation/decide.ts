import type { RemediationConfig } from "./config";

/** What remediation remembers about one check between rounds (stored, app/remediation/state.ts). */
export interface CheckRemediationState {
  /** Consecutive failed rounds since the check was last up or last remediated. */
  failures: number;
  /** ISO start times of the attempts still inside the window, oldest first. */
  attempts: string[];
  /** When "remediation exhausted" was last reported, so it is reported once per exhaustion. */
  exhaustedAt?: string;
}

export type RemediationDecision =
  | { action: "wait"; reason: string }
  | { action: "attempt" }
  /** The budget is spent: `report` is true the first time, so the exhaustion is told once, not every round. */
  | { action: "exhausted"; report: boolean; reason: string };

/**
 * Should this round remediate the check? Pure: the previous state, this round's outcome, the rules
 * and the clock in; the decision and the next state out (the input is not modified). An attempt
 * resets the failure count, so the service gets `afterFailures` rounds to recover before the next
 * one; the window and `maxAttempts` are what stop a restart loop.
 */
export function decideRemediation(
  previous: CheckRemediationState | undefined,
  failed: boolean,
  rules: RemediationConfig,
  now: Date,
): { decision: RemediationDecision; state: CheckRemediationState } {
  const at = now.getTime();
  const attempts = (previous?.attempts ?? []).filter((a) => at - Date.parse(a) < rules.windowMs);
  const exhaustedAt = previous?.exhaustedAt;
  const keep = (failures: number): CheckRemediationState => ({
    failures,
    attempts,
    ...(exhaustedAt ? { exhaustedAt } : {}),
  });
  if (!failed) return { decision: { action: "wait", reason: "check is up" }, state: keep(0) };

  const failures = (previous?.failures ?? 0) + 1;
  if (failures < rules.afterFailures) {
    return {
      decision: { action: "wait", reason: `${failures} of ${rules.afterFailures} consecutive failures` },
      state: keep(failures),
    };
  }
  if (attempts.length >= rules.maxAttempts) {
    const last = attempts.at(-1) ?? "";
    // Reported again only after a newer attempt, i.e. after the window freed the budget and it ran out again.
    const report = exhaustedAt === undefined || exhaustedAt < last;
    const oldest = attempts[0] ?? last;
    const reason = `remediation exhausted: ${attempts.length} attempts within ${formatMs(rules.windowMs)}; next allowed after ${new Date(Date.parse(oldest) + rules.windowMs).toISOString()}`;
    return {
      decision: { action: "exhausted", report, reason },
      state: {
        failures,
        attempts,
        exhaustedAt: report ? now.toISOString() : (exhaustedAt ?? now.toISOString()),
      },
    };
  }
  const last = attempts.at(-1);
  if (last !== undefined && at - Date.parse(last) < rules.cooldownMs) {
    const until = new Date(Date.parse(last) + rules.cooldownMs).toISOString();
    return { decision: { action: "wait", reason: `cooling down until ${until}` }, state: keep(failures) };
  }
  return {
    decision: { action: "attempt" },
    state: {
      failures: 0,
      attempts: [...attempts, now.toISOString()],
      ...(exhaustedAt ? { exhaustedAt } : {}),
    },
  };
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
