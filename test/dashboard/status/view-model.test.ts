import { describe, expect, it } from "vitest";
import type { Incident } from "../../../app/alerts/state";
import type { CheckStatusView, StatusOverview } from "../../../app/monitor/status";
import { statusView } from "../../../dashboard/status/view-model";

const at = "2026-11-21T10:00:00.000Z";
const check = (id: string, isPublic: boolean, status: "up" | "down"): CheckStatusView => ({
  id,
  name: id,
  type: "http",
  public: isPublic,
  latest: {
    checkId: id,
    type: "http",
    status,
    startedAt: at,
    durationMs: 10,
    attempts: 1,
    message: "m",
    conditions: [],
  },
  uptime: {
    "24h": { ratio: 1, total: 1, up: 1, degraded: 0, down: 0, maintenance: 0 },
    "7d": { ratio: 1, total: 1, up: 1, degraded: 0, down: 0, maintenance: 0 },
    "30d": { ratio: 1, total: 1, up: 1, degraded: 0, down: 0, maintenance: 0 },
    "90d": { ratio: 1, total: 1, up: 1, degraded: 0, down: 0, maintenance: 0 },
  },
  days: [],
  responseTimes: [],
});
const incident = (subject: string): Incident => ({
  id: subject,
  subject,
  title: subject,
  severity: "critical",
  message: "",
  openedAt: at,
  lastFailureAt: at,
});
const window = (id: string, checks: string[], hosts: string[] = []) => ({
  id,
  title: id,
  start: new Date("2026-11-21T09:00:00Z"),
  end: new Date("2026-11-21T11:00:00Z"),
  checks,
  hosts,
});

const overview: StatusOverview = {
  generatedAt: at,
  updatedAt: at,
  overall: "down",
  checks: [check("site", true, "up"), check("db", false, "down")],
  incidents: {
    open: [incident("check:db"), incident("check:site"), incident("host:web01:cpu")],
    recent: [incident("check:db")],
  },
  maintenance: {
    active: [window("all", []), window("db-only", ["db"]), window("mixed", ["db", "site"], ["web01"])],
    upcoming: [],
  },
  hosts: [{ host: "web01", status: "up" }],
  problems: ["state/alerts/checks.json is not valid JSON"],
};

describe("what each viewer sees", () => {
  it("shows the public only public checks, their incidents and the windows that cover them", () => {
    const view = statusView(overview, "public");

    expect(view.checks.map((c) => c.id)).toEqual(["site"]);
    expect(view.overall).toBe("up");
    expect(view.incidents.open.map((i) => i.subject)).toEqual(["check:site"]);
    expect(view.incidents.recent).toEqual([]);
    expect(view.maintenance.active.map((w) => [w.id, w.checks])).toEqual([
      ["all", []],
      ["mixed", ["site"]],
    ]);
    expect(view.maintenance.active[1]).not.toHaveProperty("hosts");
    expect(view).not.toHaveProperty("hosts");
    expect(view).not.toHaveProperty("problems");
  });

  it("shows operators everything, with the overall state over every check", () => {
    const view = statusView(overview, "operator");

    expect(view.checks.map((c) => c.id)).toEqual(["site", "db"]);
    expect(view.overall).toBe("down");
    expect(view.incidents.open).toHaveLength(3);
    expect(view.maintenance.active).toHaveLength(3);
    expect(view.hosts).toHaveLength(1);
    expect(view.problems).toEqual(["state/alerts/checks.json is not valid JSON"]);
  });

  it("reports a check without results as unknown", () => {
    const { latest: _latest, ...fresh } = check("new", true, "up");

    const view = statusView({ ...overview, checks: [fresh] }, "public");

    expect(view.checks[0]).toMatchObject({ id: "new", status: "unknown" });
    expect(view.checks[0]).not.toHaveProperty("message");
    expect(view.overall).toBe("unknown");
  });
});
