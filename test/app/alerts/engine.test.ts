import { describe, expect, it } from "vitest";
import {
  type AlertState,
  alertRulesSchema,
  emptyAlertState,
  evaluateAlerts,
  type Observation,
} from "../../../app/alerts";

const rules = alertRulesSchema.parse({ openAfter: 3, resolveAfter: 2, remindEveryMs: 3_600_000 });
const start = new Date("2026-11-20T10:00:00Z");
const minute = (n: number) => new Date(start.getTime() + n * 60_000);

function obs(ok: boolean, extra: Partial<Observation> = {}): Observation {
  return {
    subject: "check:web",
    name: "Web",
    ok,
    severity: "critical",
    title: "Web is down",
    message: ok ? "OK" : "status 500",
    rules,
    ...extra,
  };
}

/** Feeds one observation per minute; returns the event kinds per step and the final state. */
function run(sequence: Array<boolean | Observation>, initial: AlertState = emptyAlertState(start)) {
  let state = initial;
  const kinds: string[][] = [];
  sequence.forEach((step, i) => {
    const o = typeof step === "boolean" ? obs(step) : step;
    const out = evaluateAlerts(state, [o], { now: minute(i), source: "checks" });
    state = out.state;
    kinds.push(out.events.map((e) => e.event.kind));
  });
  return { state, kinds };
}

describe("alert rules", () => {
  it.each([
    ["opens on the Nth consecutive failure", [false, false, false], [[], [], ["opened"]]],
    ["does not open when a success breaks the run", [false, false, true, false, false], [[], [], [], [], []]],
    [
      "resolves after M consecutive successes",
      [false, false, false, true, true],
      [[], [], ["opened"], [], ["resolved"]],
    ],
    [
      "stays open through a single success",
      [false, false, false, true, false, true],
      [[], [], ["opened"], [], [], []],
    ],
  ])("%s", (_name, sequence, expected) => {
    expect(run(sequence).kinds).toEqual(expected);
  });

  it("keeps the incident and moves it to the recent list when it resolves", () => {
    const { state } = run([false, false, false, true, true]);

    expect(state.open).toEqual({});
    expect(state.recent[0]).toMatchObject({
      subject: "check:web",
      openedAt: minute(2).toISOString(),
      resolvedAt: minute(4).toISOString(),
    });
  });

  it("sends no resolved notice when the rules say so", () => {
    const quiet = alertRulesSchema.parse({ openAfter: 1, resolveAfter: 1, notifyResolved: false });

    const { kinds } = run([obs(false, { rules: quiet }), obs(true, { rules: quiet })]);

    expect(kinds).toEqual([["opened"], []]);
  });

  it("reminds at the configured interval while the alert stays open", () => {
    const remind = alertRulesSchema.parse({ openAfter: 1, remindEveryMs: 2 * 60_000 });
    const sequence = Array.from({ length: 6 }, () => obs(false, { rules: remind }));

    expect(run(sequence).kinds).toEqual([["opened"], [], ["reminder"], [], ["reminder"], []]);
  });

  it("never reminds when the interval is 0", () => {
    const never = alertRulesSchema.parse({ openAfter: 1, remindEveryMs: 0 });

    expect(run(Array.from({ length: 4 }, () => obs(false, { rules: never }))).kinds.flat()).toEqual([
      "opened",
    ]);
  });

  it("records failures inside a maintenance window instead of alerting", () => {
    const inWindow = obs(false, { maintenance: "db-upgrade" });

    const { state, kinds } = run([inWindow, inWindow, inWindow, inWindow]);

    expect(kinds.flat()).toEqual([]);
    expect(state.open).toEqual({});
    expect(state.subjects["check:web"]).toBeUndefined();
    expect(state.suppressed).toEqual([
      {
        subject: "check:web",
        window: "db-upgrade",
        firstAt: minute(0).toISOString(),
        lastAt: minute(3).toISOString(),
        count: 4,
        message: "status 500",
      },
    ]);
  });

  it("escalates an open incident's severity but never lowers it", () => {
    const warn = (ok = false) => obs(ok, { severity: "warning", title: "Web is degraded" });
    const { state } = run([warn(), warn(), warn(), obs(false), warn()]);

    expect(state.open["check:web"]).toMatchObject({ severity: "critical", title: "Web is degraded" });
  });

  it("routes events to the notifiers the rules name", () => {
    const routed = alertRulesSchema.parse({ openAfter: 1, notifiers: ["pager"] });

    const out = evaluateAlerts(emptyAlertState(start), [obs(false, { rules: routed })], {
      now: start,
      source: "checks",
    });

    expect(out.events[0]?.notifiers).toEqual(["pager"]);
  });

  it("does not modify the state it was given", () => {
    const initial = emptyAlertState(start);
    const copy = structuredClone(initial);

    evaluateAlerts(initial, [obs(false)], { now: start, source: "checks" });

    expect(initial).toEqual(copy);
  });
});
