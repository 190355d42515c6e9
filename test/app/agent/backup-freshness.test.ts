import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type BackupAlert, backupTask, raiseAlert, staleBackupAlert } from "../../../app/agent";
import { backupConfigSchema } from "../../../app/backup";
import { recordSuccess } from "../../../app/backup/state";
import { silentLogger } from "../../../app/lib/logger";
import type { AlertEvent } from "../../../app/notify/event";
import type { Notifier } from "../../../app/notify/notifiers";
import { LocalStore } from "../../../app/storage";
import { backupSuccess } from "../../support/backup-states";
import { useTempDirs } from "../../support/temp-dir";

const HOUR = 3_600_000;
const START = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-agent-freshness");

/** The agent's backups task for one daily job over `source`, on a clock the test moves. */
async function setup() {
  const dir = await tempDir();
  const store = new LocalStore(path.join(dir, "store"));
  const source = path.join(dir, "www");
  const config = backupConfigSchema.parse({ host: "web01", jobs: [{ label: "www", sources: [source] }] });
  const clock = { now: START };
  const alerts: BackupAlert[] = [];
  const task = backupTask({ ...config, host: "web01" }, store, {
    logger: silentLogger,
    now: () => clock.now,
    alert: async (a) => {
      alerts.push(a);
    },
  });
  if (!task) throw new Error("no backups task");
  const tick = () => task.run(new AbortController().signal);
  const createSource = async () => {
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, "index.html"), "<h1>hi</h1>\n");
  };
  return { store, clock, alerts, tick, createSource };
}

const hoursAfterStart = (h: number) => new Date(START.getTime() + h * HOUR);

describe("the agent's backup freshness alert", () => {
  it("raises one stale alert for a job whose last success is older than its threshold, resolved by the next success", async () => {
    const { store, clock, alerts, tick, createSource } = await setup();
    // The last success completed 3 days ago (a run killed since leaves no record); daily: stale after 48 h.
    await recordSuccess(
      store,
      backupSuccess({
        host: "web01",
        label: "www",
        id: "20261118T100000Z-www",
        startedAt: "2026-11-18T10:00:00.000Z",
        completedAt: "2026-11-18T10:00:05.000Z",
        durationMs: 5000,
      }),
    );

    await tick(); // stale, and the due run fails: the source is missing
    await tick(); // nothing new: the failed job waits an hour, the stale alert is already out

    expect(alerts).toEqual([
      {
        subject: "backup:web01:www:stale",
        severity: "critical",
        title: "Backup www on web01 is stale",
        message: expect.stringContaining(
          "No successful backup since 2026-11-18T10:00:05.000Z, more than 2d 0h ago",
        ),
        source: "agent:web01",
      },
      expect.objectContaining({ subject: "backup:web01:www", title: "Backup www on web01 failed" }),
    ]);

    await createSource();
    clock.now = hoursAfterStart(1.1);
    await tick(); // the retry succeeds
    await tick();

    expect(alerts).toHaveLength(3);
    expect(alerts[2]).toEqual({
      subject: "backup:web01:www:stale",
      severity: "critical",
      kind: "resolved",
      openedAt: START.toISOString(),
      title: "Backup www on web01 is fresh again",
      message: `20261121T110600Z-www completed at ${hoursAfterStart(1.1).toISOString()}.`,
      source: "agent:web01",
    });
  });

  it("gives a job that never succeeded its threshold from the agent's start", async () => {
    const { alerts, clock, tick } = await setup();

    await tick();
    clock.now = hoursAfterStart(47);
    await tick();

    expect(alerts.map((a) => a.subject)).toEqual(["backup:web01:www", "backup:web01:www"]);

    clock.now = hoursAfterStart(49);
    await tick();

    expect(alerts[2]).toMatchObject({
      subject: "backup:web01:www:stale",
      message: expect.stringContaining("No successful backup in the 2d 0h since the agent started"),
    });
  });

  it("raises nothing while every job is fresh", async () => {
    const { alerts, clock, tick, createSource } = await setup();
    await createSource();

    await tick();
    clock.now = hoursAfterStart(24.5);
    await tick(); // the next daily run
    clock.now = hoursAfterStart(47);
    await tick();

    expect(alerts).toEqual([]);
  });
});

describe("raiseAlert", () => {
  it("sends a resolved notice as a resolved event carrying when the alert opened", async () => {
    const events: AlertEvent[] = [];
    const notifier: Notifier = {
      name: "hook",
      type: "webhook",
      retries: 0,
      retryDelayMs: 0,
      timeoutMs: 1000,
      send: async (event) => {
        events.push(event);
      },
    };
    const stale = staleBackupAlert({ host: "web01", label: "www", staleAfterMs: 48 * HOUR }, "agent:web01");

    const result = await raiseAlert(
      { notifiers: [] },
      { ...stale, kind: "resolved", openedAt: START.toISOString(), title: "fresh again", message: "ok" },
      { notifiers: [notifier], now: () => hoursAfterStart(1) },
    );

    expect(result).toEqual({ delivered: 1, failed: [] });
    expect(events).toEqual([
      {
        kind: "resolved",
        subject: "backup:web01:www:stale",
        severity: "critical",
        title: "fresh again",
        message: "ok",
        at: hoursAfterStart(1).toISOString(),
        openedAt: START.toISOString(),
        source: "agent:web01",
      },
    ]);
  });
});
