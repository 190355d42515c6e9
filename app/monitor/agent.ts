import { setTimeout as delay } from "node:timers/promises";
import { runAlertCycle } from "../alerts/cycle";
import { hostAlertStateKey } from "../alerts/state";
import type { MonitoringConfig } from "../config/schema";
import { resolveHostName } from "../hosts/config";
import { writeHeartbeat } from "../hosts/heartbeat";
import { silentLogger } from "../lib/logger";
import { MetricsSampler } from "../metrics/sampler";
import type { HostSnapshot } from "../metrics/snapshot";
import type { SystemSource } from "../metrics/source";
import { type ThresholdReading, ThresholdTracker } from "../metrics/thresholds";
import { createNotifiers } from "../notify/notifiers";
import type { TaskSpec } from "../scheduler/scheduler";
import type { Store } from "../storage/store";
import type { MonitorDeps } from "./deps";
import { thresholdObservations } from "./observations";

export interface AgentOptions extends MonitorDeps {
  source?: SystemSource;
  /** Where `OPSDECK_HOST_NAME` is read from (process.env by default). */
  env?: Record<string, string | undefined>;
}

/** The per-host half of monitoring: metric sampling with threshold alerts, and heartbeats. */
export interface Agent {
  host: string;
  sampler: MetricsSampler;
  /** `metrics` (sample + thresholds) and `heartbeat` (snapshot to the store + host alerts). */
  tasks: TaskSpec[];
  /** Threshold readings of the latest sample. */
  readings(): ThresholdReading[];
}

export function createAgent(config: MonitoringConfig, store: Store, options: AgentOptions = {}): Agent {
  const host = resolveHostName(config.hosts, options.env);
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const sampler = new MetricsSampler({
    host,
    topProcesses: config.metrics.topProcesses,
    ignoreMounts: config.metrics.ignoreMounts,
    diskDevicesExclude: config.metrics.diskDevicesExclude,
    latency: config.metrics.latency,
    ...(options.source ? { source: options.source } : {}),
    now,
    logger,
  });
  const tracker = new ThresholdTracker(config.thresholds);
  let readings: ThresholdReading[] = [];
  const notifiers =
    options.notifiers ??
    createNotifiers(config.notifiers, { logger, ...(options.fetch ? { fetch: options.fetch } : {}) });

  const sample = async (): Promise<HostSnapshot> => {
    const snapshot = await sampler.refresh();
    readings = tracker.evaluate(snapshot);
    return snapshot;
  };

  const tasks: TaskSpec[] = [
    { name: "metrics", everyMs: config.schedule.metricsEveryMs, run: sample },
    {
      name: "heartbeat",
      everyMs: config.schedule.heartbeatEveryMs,
      run: async (signal) => {
        const snapshot = sampler.latest() ?? (await sample());
        if (signal.aborted) return;
        const at = now();
        await writeHeartbeat(store, snapshot, { now: at, intervalMs: config.schedule.heartbeatEveryMs });
        // Threshold alerts go with the heartbeat, not every sample: one state write per heartbeat at most.
        await runAlertCycle(thresholdObservations(config, host, readings, at), {
          store,
          stateKey: hostAlertStateKey(host),
          source: `agent:${host}`,
          notifiers,
          logger,
          now: at,
        });
      },
    },
  ];
  return { host, sampler, tasks, readings: () => readings };
}

/**
 * A one-off snapshot for the CLI. CPU load is measured between two samples, so it samples
 * twice `settleMs` apart (the first systeminformation call is also the slow one).
 */
export async function takeMetricsSnapshot(
  config: MonitoringConfig,
  options: {
    source?: SystemSource;
    now?: () => Date;
    settleMs?: number;
    env?: Record<string, string | undefined>;
  } = {},
): Promise<HostSnapshot> {
  const sampler = new MetricsSampler({
    host: resolveHostName(config.hosts, options.env),
    topProcesses: config.metrics.topProcesses,
    ignoreMounts: config.metrics.ignoreMounts,
    diskDevicesExclude: config.metrics.diskDevicesExclude,
    latency: config.metrics.latency,
    ...(options.source ? { source: options.source } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  await sampler.refresh();
  await delay(options.settleMs ?? 500);
  return sampler.refresh();
}
