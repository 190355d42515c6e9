import { describe, expect, it } from "vitest";
import type { MaintenanceWindow } from "../../../app/alerts/config";
import { activeWindow, upcomingWindows } from "../../../app/alerts/maintenance";

const window = (id: string, scope: { checks?: string[]; hosts?: string[] } = {}): MaintenanceWindow => ({
  id,
  title: id,
  start: new Date("2026-11-21T02:00:00Z"),
  end: new Date("2026-11-21T04:00:00Z"),
  checks: scope.checks ?? [],
  hosts: scope.hosts ?? [],
});
const during = new Date("2026-11-21T03:00:00Z");

describe("activeWindow", () => {
  it("covers every check and host when the window lists neither", () => {
    const all = [window("all")];
    expect(activeWindow(all, { checkId: "api" }, during)?.id).toBe("all");
    expect(activeWindow(all, { host: "web01" }, during)?.id).toBe("all");
  });

  it("covers only the listed checks, not the hosts, when it lists checks", () => {
    const checksOnly = [window("api-deploy", { checks: ["api"] })];
    expect(activeWindow(checksOnly, { checkId: "api" }, during)?.id).toBe("api-deploy");
    expect(activeWindow(checksOnly, { checkId: "shop" }, during)).toBeUndefined();
    expect(activeWindow(checksOnly, { host: "web01" }, during)).toBeUndefined();
  });

  it("covers only the listed hosts, not the checks, when it lists hosts", () => {
    const hostsOnly = [window("db-patch", { hosts: ["db01"] })];
    expect(activeWindow(hostsOnly, { host: "db01" }, during)?.id).toBe("db-patch");
    expect(activeWindow(hostsOnly, { host: "web01" }, during)).toBeUndefined();
    expect(activeWindow(hostsOnly, { checkId: "api" }, during)).toBeUndefined();
  });

  it("starts at its start and ends just before its end", () => {
    const all = [window("all")];
    expect(activeWindow(all, { host: "web01" }, new Date("2026-11-21T02:00:00Z"))?.id).toBe("all");
    expect(activeWindow(all, { host: "web01" }, new Date("2026-11-21T04:00:00Z"))).toBeUndefined();
    expect(activeWindow(all, { host: "web01" }, new Date("2026-11-21T01:59:59Z"))).toBeUndefined();
  });
});

describe("upcomingWindows", () => {
  it("keeps windows that have not ended, soonest first", () => {
    const later = {
      ...window("later"),
      start: new Date("2026-11-22T02:00:00Z"),
      end: new Date("2026-11-22T03:00:00Z"),
    };
    const ended = {
      ...window("ended"),
      start: new Date("2026-11-20T02:00:00Z"),
      end: new Date("2026-11-20T03:00:00Z"),
    };
    expect(upcomingWindows([later, ended, window("now")], during).map((w) => w.id)).toEqual(["now", "later"]);
  });
});
