/**
 * A realistic stored state for the dashboard benchmark: `checks` checks with 90 days of per-day
 * summaries, a result every minute over the last day (full response-time charts), the latest
 * round, heartbeats of a few hosts and an open incident, written the way compaction leaves them.
 */
import { CHECKS_ALERT_STATE_KEY, emptyAlertState, writeAlertState } from "../app/alerts/state";
import type { CheckConfig } from "../app/checks/config";
import type { CheckResult } from "../app/checks/result";
import { encodeEntries, type HistoryEntry, toHistoryEntry } from "../app/history/entry";
import { dailyKey, dayOf } from "../app/history/keys";
import { statsOf } from "../app/history/stats";
import { writeSummary } from "../app/history/summary";
import { writeRound } from "../app/history/write";
import { writeHeartbeat } from "../app/hosts/heartbeat";
import type { HostSnapshot } from "../app/metrics/snapshot";
import type { Store } from "../app/storage/store";

/** The operator token the benchmark's dashboard servers accept (for /metrics). */
export const BENCH_TOKEN = "bench-token";

const MINUTE = 60_000;
const DAY = 86_400_000;

export function benchChecks(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    id: `service-${i + 1}`,
    name: `Service ${i + 1}`,
    type: "http",
    url: `http://127.0.0.1:9/${i + 1}`,
    group: i % 2 === 0 ? "Public site" : "APIs",
  }));
}

function result(checkId: string, at: Date, status: CheckResult["status"], durationMs: number): CheckResult {
  return {
    checkId,
    type: "http",
    status,
    startedAt: at.toISOString(),
    durationMs,
    attempts: 1,
    message: status === "up" ? "OK" : "HTTP 503",
    conditions: [],
    statusCode: status === "up" ? 200 : 503,
  };
}

function snapshot(host: string, now: Date): HostSnapshot {
  return {
    host,
    takenAt: now.toISOString(),
    uptimeSeconds: 86_400,
    cpu: {
      cores: 2,
      usedPercent: 30,
      perCore: [25, 35],
      seconds: [{ user: 1, nice: 0, system: 1, idle: 10, irq: 0 }],
    },
    load: { load1: 0.5, load5: 0.4, load15: 0.3 },
    memory: {
      totalBytes: 4e9,
      availableBytes: 2e9,
      freeBytes: 1e9,
      usedBytes: 2e9,
      buffersBytes: 1e8,
      cachedBytes: 5e8,
      usedPercent: 50,
    },
    swap: { totalBytes: 0, usedBytes: 0, freeBytes: 0, usedPercent: 0 },
    filesystems: [
      {
        mount: "/",
        device: "/dev/xvda1",
        type: "ext4",
        sizeBytes: 2e10,
        usedBytes: 1e10,
        availableBytes: 1e10,
        usedPercent: 50,
      },
    ],
    network: [{ device: "eth0", rxBytes: 1e9, txBytes: 1e9, rxBytesPerSecond: 1e4, txBytesPerSecond: 1e4 }],
    processes: [],
  };
}

export async function seedBenchState(store: Store, checks: readonly CheckConfig[], now: Date): Promise<void> {
  const t = now.getTime();
  for (const [i, check] of checks.entries()) {
    const days: Record<string, ReturnType<typeof statsOf>> = {};
    for (let d = 89; d >= 2; d--) {
      const day = dayOf(new Date(t - d * DAY));
      const entries = Array.from({ length: 24 }, (_, h) =>
        toHistoryEntry(
          result(
            check.id,
            new Date(t - d * DAY + h * 3_600_000),
            (d + i) % 37 === 0 && h < 2 ? "down" : "up",
            80 + h,
          ),
          `d${d}h${h}`,
        ),
      );
      days[day] = statsOf(day, entries);
    }
    const recent = new Map<string, HistoryEntry[]>();
    for (let m = 1_440; m >= 2; m--) {
      const at = new Date(t - m * MINUTE);
      const entry = toHistoryEntry(result(check.id, at, "up", 60 + ((m * 7 + i * 13) % 90)), `m${m}`);
      recent.set(dayOf(at), [...(recent.get(dayOf(at)) ?? []), entry]);
    }
    for (const [day, entries] of recent) {
      days[day] = statsOf(day, entries);
      await store.put(dailyKey(check.id, day), encodeEntries(entries));
    }
    await writeSummary(store, { checkId: check.id, updatedAt: now.toISOString(), days });
  }
  const at = new Date(t - MINUTE);
  await writeRound(store, {
    roundId: "latest",
    finishedAt: at,
    results: checks.map((c, i) => result(c.id, at, i === 1 ? "degraded" : "up", 90)),
  });
  for (const host of ["web01", "web02", "db01"]) {
    await writeHeartbeat(store, snapshot(host, now), { now, intervalMs: 30_000 });
  }
  const alerts = emptyAlertState(now);
  alerts.open["check:service-2"] = {
    id: "bench",
    subject: "check:service-2",
    title: "Service 2 is degraded",
    severity: "warning",
    message: "slower than 500 ms",
    openedAt: now.toISOString(),
    lastFailureAt: now.toISOString(),
  };
  await writeAlertState(store, CHECKS_ALERT_STATE_KEY, alerts);
}
