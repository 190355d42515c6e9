import { describe, expect, it } from "vitest";
import { type RemediationConfig, remediationSchema } from "../../../app/remediation/config";
import { type CheckRemediationState, decideRemediation } from "../../../app/remediation/decide";

const rules: RemediationConfig = remediationSchema.parse({
  restartUnit: "web.service",
  afterFailures: 3,
  cooldownMs: 300_000,
  maxAttempts: 2,
  windowMs: 3_600_000,
});
const t = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));

/** Feeds one outcome per minute through the decision and collects the actions. */
function replay(outcomes: ReadonlyArray<{ minute: number; failed: boolean }>, start?: CheckRemediationState) {
  let state = start;
  const actions: string[] = [];
  for (const o of outcomes) {
    const next = decideRemediation(state, o.failed, rules, t(o.minute));
    state = next.state;
    const d = next.decision;
    actions.push(d.action === "exhausted" ? `exhausted${d.report ? "!" : ""}` : d.action);
  }
  return { actions, state };
}
const failing = (...minutes: number[]) => minutes.map((minute) => ({ minute, failed: true }));

describe("deciding whether to remediate", () => {
  it("waits for afterFailures consecutive failures before the first attempt", () => {
    expect(replay(failing(0, 1, 2)).actions).toEqual(["wait", "wait", "attempt"]);
  });

  it("starts counting again when the check comes back up", () => {
    const { actions } = replay([...failing(0, 1), { minute: 2, failed: false }, ...failing(3, 4, 5)]);
    expect(actions).toEqual(["wait", "wait", "wait", "wait", "wait", "attempt"]);
  });

  it("does not attempt again within the cooldown, even after afterFailures more failures", () => {
    const { actions, state } = replay(failing(0, 1, 2, 3, 4, 5, 6, 7));
    expect(actions).toEqual(["wait", "wait", "attempt", "wait", "wait", "wait", "wait", "attempt"]);
    expect(state?.attempts).toEqual([t(2).toISOString(), t(7).toISOString()]);
  });

  it("stops at maxAttempts per window and reports the exhaustion once", () => {
    const { actions } = replay(failing(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    expect(actions.slice(7)).toEqual(["attempt", "wait", "wait", "exhausted!", "exhausted", "exhausted"]);
  });

  it("names the limit and when the budget frees up", () => {
    const state: CheckRemediationState = { failures: 2, attempts: [t(0).toISOString(), t(10).toISOString()] };
    const { decision } = decideRemediation(state, true, rules, t(20));
    expect(decision).toEqual({
      action: "exhausted",
      report: true,
      reason: "remediation exhausted: 2 attempts within 1 h; next allowed after 2026-11-20T11:00:00.000Z",
    });
  });

  it("allows attempts again once old ones leave the window, and reports a new exhaustion", () => {
    const exhausted: CheckRemediationState = {
      failures: 3,
      attempts: [t(0).toISOString(), t(10).toISOString()],
      exhaustedAt: t(20).toISOString(),
    };
    // 10:00 left the one-hour window at 11:00; 10:10 is still in it, so one more attempt is allowed.
    const later = (m: number) => ({ minute: 60 + m, failed: true });
    const { actions } = replay([later(1), later(2), later(3), later(4), later(5), later(6)], exhausted);
    expect(actions).toEqual(["attempt", "wait", "wait", "exhausted!", "exhausted", "exhausted"]);
  });

  it("does not modify the state it is given", () => {
    const state: CheckRemediationState = { failures: 2, attempts: [] };
    decideRemediation(state, true, rules, t(0));
    expect(state).toEqual({ failures: 2, attempts: [] });
  });
});
