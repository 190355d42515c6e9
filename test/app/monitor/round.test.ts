import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKS_ALERT_STATE_KEY, readAlertState } from "../../../app/alerts";
import { parseAppConfig } from "../../../app/config";
import { ROUNDS_PREFIX, readCheckHistory, readLatest } from "../../../app/history";
import { writeHeartbeat } from "../../../app/hosts";
import { hostSnapshotSchema } from "../../../app/metrics";
import { COMPACTION_MARKER_KEY, runChecksRound, sendAdhocAlert } from "../../../app/monitor";
import { LocalStore, S3Store } from "../../../app/storage";
import snapshotJson from "../../fixtures/monitoring/host-snapshot.json";
import { captureLogger } from "../../support/capture-log";
import { closedPort, startHttpServer } from "../../support/loopback";
import { type LocalS3, startLocalS3 } from "../../support/s3-server";
import { useTempDirs } from "../../support/temp-dir";
import { startReceiver, startService } from "./support";

const tempDir = useTempDirs("opsdeck-round");
let service: Awaited<ReturnType<typeof startService>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let s3: LocalS3;
beforeAll(async () => {
  [service, receiver, s3] = await Promise.all([startService(), startReceiver(), startLocalS3()]);
});
afterAll(async () => {
  await Promise.all([service.close(), receiver.close(), s3.close()]);
});

function config(overrides: Record<string, unknown> = {}, hookUrl = `${receiver.url}/hook`) {
  return parseAppConfig(
    {
      checkDefaults: { retries: 0, timeoutMs: 2_000 },
      checks: [
        { id: "web", name: "Web", type: "http", url: `${service.url}/ok` },
        { id: "api", name: "API", type: "http", url: `${service.url}/fail` },
      ],
      alerts: { openAfter: 2, resolveAfter: 1 },
      notifiers: [{ name: "hook", type: "webhook", url: hookUrl, retries: 0 }],
      ...overrides,
    },
    "test config",
  );
}

const t = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));
const clock = (minute: number) => () => t(minute);

describe("a checks round", () => {
  it("saves every result to history and latest, and opens an alert after N failing rounds", async () => {
    const store = new LocalStore(await tempDir());
    const cfg = config();
    const before = receiver.events().length;

    const first = await runChecksRound(cfg, store, { now: clock(0) });
    const second = await runChecksRound(cfg, store, { now: clock(1) });

    expect(first.results.map((r) => [r.checkId, r.status])).toEqual([
      ["web", "up"],
      ["api", "down"],
    ]);
    expect(first.events).toEqual([]);
    expect(second.events.map((e) => [e.kind, e.subject, e.title])).toEqual([
      ["opened", "check:api", "API is down"],
    ]);
    expect(receiver.events().slice(before)).toMatchObject([
      { kind: "opened", subject: "check:api", severity: "critical" },
    ]);
    expect((await readLatest(store))?.results.api?.status).toBe("down");
    const history = await readCheckHistory(store, "api", { from: t(0), to: t(5) });
    expect(history.map((e) => e.status)).toEqual(["down", "down"]);
  });

  it("persists rounds and alert state to an S3-compatible store", async () => {
    const store = new S3Store({ bucket: await s3.createBucket(), prefix: "opsdeck", client: s3.client });
    const cfg = config({ alerts: { openAfter: 1 } });

    const report = await runChecksRound(cfg, store, { now: clock(0) });

    expect(report.errors).toEqual([]);
    const keys: string[] = [];
    for await (const o of store.list("")) keys.push(o.key);
    expect(keys.filter((k) => k.startsWith(ROUNDS_PREFIX))).toHaveLength(1);
    expect(keys).toContain("state/checks/latest.json");
    expect(Object.keys((await readAlertState(store, CHECKS_ALERT_STATE_KEY, t(0))).open)).toEqual([
      "check:api",
    ]);
  });

  it("marks results inside a maintenance window and records the suppression instead of alerting", async () => {
    const store = new LocalStore(await tempDir());
    const cfg = config({
      alerts: { openAfter: 1 },
      maintenance: [
        {
          id: "api-upgrade",
          title: "API upgrade",
          start: t(0).toISOString(),
          end: t(30).toISOString(),
          checks: ["api"],
        },
      ],
    });

    const report = await runChecksRound(cfg, store, { now: clock(5) });

    expect(report.results.find((r) => r.checkId === "api")?.maintenance).toBe("api-upgrade");
    expect(report.events).toEqual([]);
    const state = await readAlertState(store, CHECKS_ALERT_STATE_KEY, t(5));
    expect(state.open).toEqual({});
    expect(state.suppressed).toMatchObject([{ subject: "check:api", window: "api-upgrade", count: 1 }]);
  });

  it("alerts on a host whose heartbeat went stale", async () => {
    const store = new LocalStore(await tempDir());
    const snapshot = hostSnapshotSchema.parse(snapshotJson);
    await writeHeartbeat(store, snapshot, { now: t(0), intervalMs: 30_000 });
    const cfg = config({ checks: [], alerts: { openAfter: 1 }, hosts: { staleAfterMs: 120_000 } });

    const fresh = await runChecksRound(cfg, store, { now: clock(1) });
    const stale = await runChecksRound(cfg, store, { now: clock(10) });

    expect(fresh.events).toEqual([]);
    expect(stale.events).toMatchObject([
      {
        kind: "opened",
        subject: "host:web01:heartbeat",
        title: "web01 is down",
        message: "no heartbeat for 10m 0s",
      },
    ]);
  });

  it("completes the round and keeps the alert when the notifier is unreachable", async () => {
    const store = new LocalStore(await tempDir());
    const cfg = config({ alerts: { openAfter: 1 } }, `http://127.0.0.1:${await closedPort()}/hook`);
    const capture = captureLogger();

    const report = await runChecksRound(cfg, store, { now: clock(0), logger: capture.logger });

    expect(report.errors).toEqual([]);
    expect(report.undelivered).toBe(1);
    const state = await readAlertState(store, CHECKS_ALERT_STATE_KEY, t(0));
    expect(Object.keys(state.open)).toEqual(["check:api"]);
    expect(state.undelivered[0]?.event.subject).toBe("check:api");
    expect(capture.text()).not.toContain("/hook");
  });

  it("still saves the round when alerting fails, and says why", async () => {
    const store = new LocalStore(await tempDir());
    await store.put(CHECKS_ALERT_STATE_KEY, "corrupt");

    const report = await runChecksRound(config(), store, { now: clock(0) });

    expect(report.errors).toEqual([
      expect.stringMatching(/^alerting failed: state\/alerts\/checks.json .* not valid JSON$/),
    ]);
    expect((await readLatest(store))?.results.web?.status).toBe("up");
  });

  it("compacts history when the last compaction is older than the configured interval", async () => {
    const store = new LocalStore(await tempDir());
    const cfg = config({ schedule: { compactEveryMs: 600_000 } });
    await runChecksRound(cfg, store, { now: clock(0), compact: false });

    const due = await runChecksRound(cfg, store, { now: clock(5) });
    const notDue = await runChecksRound(cfg, store, { now: clock(8) });

    expect(due.compaction).toMatchObject({ roundsMerged: 1 });
    expect(notDue.compaction).toBeUndefined();
    expect(JSON.parse((await store.get(COMPACTION_MARKER_KEY))?.toString() ?? "{}")).toEqual({
      lastRunAt: t(5).toISOString(),
    });
  });
});

describe("a cancelled round (shutdown)", () => {
  it("saves and alerts on the checks that finished, and neither saves nor alerts on the one cut short", async () => {
    // A server that takes the request and never answers, and says when one arrives.
    let arrived: () => void = () => {};
    const hung = await startHttpServer(() => arrived());
    try {
      const store = new LocalStore(await tempDir());
      const checks = (hangUrl: string) => [
        { id: "web", name: "Web", type: "http", url: `${service.url}/ok` },
        { id: "slow", name: "Slow", type: "http", url: hangUrl },
      ];
      // concurrency 1: "web" has finished by the time "slow" is in flight.
      const base = {
        checkDefaults: { retries: 0, timeoutMs: 5_000, concurrency: 1 },
        alerts: { openAfter: 2 },
      };
      // A first, complete round in which "slow" failed once: one more failure opens an incident.
      await runChecksRound(config({ ...base, checks: checks(`${service.url}/fail`) }), store, {
        now: clock(0),
      });
      const stateBefore = await readAlertState(store, CHECKS_ALERT_STATE_KEY, t(1));
      const historyBefore = await readCheckHistory(store, "slow", { from: t(0), to: t(5) });
      const notificationsBefore = receiver.events().length;
      expect(stateBefore.subjects["check:slow"]).toMatchObject({ failures: 1 });

      const controller = new AbortController();
      arrived = () => controller.abort(); // SIGTERM while "slow" hangs
      const capture = captureLogger();
      const started = performance.now();
      const report = await runChecksRound(config({ ...base, checks: checks(`${hung.url}/`) }), store, {
        now: clock(1),
        signal: controller.signal,
        logger: capture.logger,
      });

      expect(performance.now() - started).toBeLessThan(2_000);
      expect(report.results.map((r) => [r.checkId, r.status])).toEqual([["web", "up"]]);
      expect(report.cancelled).toMatchObject([{ checkId: "slow", status: "cancelled", attempts: 1 }]);
      expect(report.events).toEqual([]);
      expect(report.errors).toEqual([]);
      // Nothing stored for the cancelled check; the finished one is stored as usual.
      expect(await readCheckHistory(store, "slow", { from: t(0), to: t(5) })).toEqual(historyBefore);
      expect((await readCheckHistory(store, "web", { from: t(0), to: t(5) })).map((e) => e.status)).toEqual([
        "up",
        "up",
      ]);
      const latest = await readLatest(store);
      expect(latest?.results.slow?.status).toBe("down"); // round 1's result, not a false one
      expect(latest?.results.slow?.startedAt).toBe(t(0).toISOString());
      expect(latest?.results.web?.startedAt).toBe(t(1).toISOString());
      // The alert engine never saw it: its counters stand, nothing opened, nothing sent.
      const stateAfter = await readAlertState(store, CHECKS_ALERT_STATE_KEY, t(1));
      expect(stateAfter.subjects["check:slow"]).toEqual(stateBefore.subjects["check:slow"]);
      expect(stateAfter.open).toEqual({});
      expect(receiver.events().length).toBe(notificationsBefore);
      // The log says so.
      const saved = capture
        .lines()
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.roundId === report.roundId && "cancelled" in line);
      expect(saved).toMatchObject({ checks: 1, down: 0, cancelled: 1 });
    } finally {
      await hung.close();
    }
  });
});

describe("ad-hoc alerts", () => {
  it("go through the configured notifiers, as a failed backup would send them", async () => {
    const before = receiver.events().length;

    const outcomes = await sendAdhocAlert(
      config(),
      {
        subject: "backup:web01",
        severity: "critical",
        title: "Backup of web01 failed",
        message: "upload aborted",
        source: "backups",
      },
      { now: clock(0) },
    );

    expect(outcomes).toEqual([{ notifier: "hook", ok: true, attempts: 1 }]);
    expect(receiver.events().slice(before)).toEqual([
      {
        kind: "adhoc",
        subject: "backup:web01",
        severity: "critical",
        title: "Backup of web01 failed",
        message: "upload aborted",
        at: t(0).toISOString(),
        source: "backups",
      },
    ]);
  });
});
