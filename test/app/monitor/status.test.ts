import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAppConfig } from "../../../app/config";
import { writeHeartbeat } from "../../../app/hosts";
import { hostSnapshotSchema } from "../../../app/metrics";
import { overallStatus, readStatusOverview, runChecksRound } from "../../../app/monitor";
import { LocalStore } from "../../../app/storage";
import snapshotJson from "../../fixtures/monitoring/host-snapshot.json";
import { useTempDirs } from "../../support/temp-dir";
import { startService } from "./support";

const tempDir = useTempDirs("opsdeck-status");
let service: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.close();
});
const t = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));

describe("status overview for the dashboard", () => {
  it("is read from stored state only, with uptime, day series, incidents, maintenance and hosts", async () => {
    const store = new LocalStore(await tempDir());
    const config = parseAppConfig(
      {
        checkDefaults: { retries: 0 },
        checks: [
          { id: "web", name: "Web", type: "http", url: `${service.url}/ok`, group: "Site" },
          { id: "api", type: "http", url: `${service.url}/fail`, public: false },
        ],
        alerts: { openAfter: 1 },
        maintenance: [
          { id: "later", title: "DB upgrade", start: t(120).toISOString(), end: t(180).toISOString() },
        ],
      },
      "config",
    );
    for (const minute of [0, 1, 2]) await runChecksRound(config, store, { now: () => t(minute) });
    await writeHeartbeat(store, hostSnapshotSchema.parse(snapshotJson), { now: t(2), intervalMs: 30_000 });
    const hitsBefore = service.hits();

    const overview = await readStatusOverview(config, store, { now: t(3) });

    expect(service.hits()).toBe(hitsBefore); // reading never probes
    expect(overview.overall).toBe("down");
    expect(overview.updatedAt).toBe(t(2).toISOString());
    const [web, api] = overview.checks;
    expect(web).toMatchObject({
      id: "web",
      name: "Web",
      group: "Site",
      public: true,
      latest: { status: "up" },
    });
    expect(web?.uptime["24h"]).toMatchObject({ ratio: 1, total: 3 });
    expect(web?.days).toHaveLength(90);
    expect(web?.days.at(-1)).toMatchObject({ day: "2026-11-20", total: 3, uptime: 1 });
    expect(web?.responseTimes.length).toBeGreaterThan(0);
    expect(api).toMatchObject({ id: "api", name: "api", public: false, latest: { status: "down" } });
    expect(api?.uptime["24h"].ratio).toBe(0);
    expect(overview.incidents.open.map((i) => i.subject)).toEqual(["check:api"]);
    expect(overview.maintenance.upcoming.map((w) => w.id)).toEqual(["later"]);
    expect(overview.hosts.map((h) => [h.host, h.status])).toEqual([["web01", "up"]]);
    expect(overview.problems).toEqual([]);
  });

  it.each([
    [[], "unknown"],
    [["up", "up"], "up"],
    [["up", "degraded"], "degraded"],
    [["degraded", "down"], "down"],
  ] as const)("summarises %j as %s", (statuses, expected) => {
    const checks = statuses.map((status) => ({ latest: { status } as never }));

    expect(overallStatus(checks)).toBe(expected);
  });
});
