import { Counter, Gauge, Registry } from "prom-client";
import type { CheckResult } from "../checks/result";
import type { DiskIOStats, HostSnapshot } from "./snapshot";

export interface HostMetricsSource {
  snapshot: HostSnapshot;
  /** false when the host's heartbeat is stale. */
  up?: boolean;
}

/** One backup job's last outcomes, as the agent's backup summary (`hosts/<host>.backup.json`) has them. */
export interface BackupMetricsSource {
  host: string;
  /** The job's label. */
  label: string;
  lastSuccess?: { completedAt: string; size: number } | undefined;
  lastFailure?: { failedAt: string } | undefined;
  lastVerify?: { checkedAt: string; ok: boolean } | undefined;
  /** The job's staleness threshold (app/backup/freshness.ts); no series when absent. */
  staleAfterMs?: number | undefined;
}

export interface MetricsSources {
  /** Host snapshots to expose (the agent's own, or every heartbeat for the dashboard). */
  hosts?: () => readonly HostMetricsSource[];
  /** The latest result of every check. */
  checks?: () => readonly CheckResult[];
  /** Every backup job's last outcomes (the dashboard: each host's backup summary). */
  backups?: () => readonly BackupMetricsSource[];
  now?: () => Date;
}

const STATES = ["up", "degraded", "down"] as const;

/**
 * A dedicated prom-client Registry (never the global one) whose values are read from the sources
 * at scrape time, so `/metrics` is as cheap as formatting cached data. Host metrics use
 * node_exporter names and units (plus a `host` label) so existing dashboards work; opsdeck's own
 * are `opsdeck_*`. Backup series are labelled `host` and `label` (the job's label; not `job`, which
 * Prometheus sets on every scraped series and would rename to `exported_job`).
 */
export function createMetricsRegistry(sources: MetricsSources): Registry {
  const registry = new Registry();
  const hosts = () => sources.hosts?.() ?? [];
  const checks = () => sources.checks?.() ?? [];
  const backups = () => sources.backups?.() ?? [];
  const now = sources.now ?? (() => new Date());

  /** A gauge recomputed from the sources on every scrape. */
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (set: (labels: Record<L, string>, value: number) => void) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill((labels, value) => this.set(labels as never, value));
      },
    });
  /** A counter whose total comes from the snapshot (the kernel keeps the count, not us). */
  const counter = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (set: (labels: Record<L, string>, value: number) => void) => void,
  ) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill((labels, value) => this.inc(labels as never, Math.max(0, value)));
      },
    });

  const eachHost = (fn: (s: HostSnapshot, up: boolean | undefined) => void) => {
    for (const h of hosts()) fn(h.snapshot, h.up);
  };

  gauge("node_load1", "1m load average.", ["host"], (set) =>
    eachHost((s) => set({ host: s.host }, s.load.load1)),
  );
  gauge("node_load5", "5m load average.", ["host"], (set) =>
    eachHost((s) => set({ host: s.host }, s.load.load5)),
  );
  gauge("node_load15", "15m load average.", ["host"], (set) =>
    eachHost((s) => set({ host: s.host }, s.load.load15)),
  );
  counter("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", ["host", "cpu", "mode"], (set) =>
    eachHost((s) =>
      s.cpu.seconds.forEach((times, cpu) => {
        for (const [mode, seconds] of Object.entries(times))
          set({ host: s.host, cpu: String(cpu), mode }, seconds);
      }),
    ),
  );
  const memory: Array<[string, (s: HostSnapshot) => number]> = [
    ["MemTotal", (s) => s.memory.totalBytes],
    ["MemAvailable", (s) => s.memory.availableBytes],
    ["MemFree", (s) => s.memory.freeBytes],
    ["Buffers", (s) => s.memory.buffersBytes],
    ["Cached", (s) => s.memory.cachedBytes],
    ["SwapTotal", (s) => s.swap.totalBytes],
    ["SwapFree", (s) => s.swap.freeBytes],
  ];
  for (const [field, pick] of memory) {
    gauge(`node_memory_${field}_bytes`, `Memory information field ${field}_bytes.`, ["host"], (set) =>
      eachHost((s) => set({ host: s.host }, pick(s))),
    );
  }
  const fsLabels = ["host", "device", "fstype", "mountpoint"] as const;
  const fsGauge = (name: string, help: string, pick: (f: HostSnapshot["filesystems"][number]) => number) =>
    gauge(name, help, fsLabels, (set) =>
      eachHost((s) => {
        for (const f of s.filesystems)
          set({ host: s.host, device: f.device, fstype: f.type, mountpoint: f.mount }, pick(f));
      }),
    );
  fsGauge("node_filesystem_size_bytes", "Filesystem size in bytes.", (f) => f.sizeBytes);
  fsGauge(
    "node_filesystem_avail_bytes",
    "Filesystem space available to non-root users in bytes.",
    (f) => f.availableBytes,
  );
  fsGauge("node_filesystem_free_bytes", "Filesystem free space in bytes.", (f) => f.sizeBytes - f.usedBytes);
  counter(
    "node_network_receive_bytes_total",
    "Network device statistic receive_bytes.",
    ["host", "device"],
    (set) =>
      eachHost((s) => {
        for (const n of s.network) set({ host: s.host, device: n.device }, n.rxBytes);
      }),
  );
  counter(
    "node_network_transmit_bytes_total",
    "Network device statistic transmit_bytes.",
    ["host", "device"],
    (set) =>
      eachHost((s) => {
        for (const n of s.network) set({ host: s.host, device: n.device }, n.txBytes);
      }),
  );
  // node_exporter's diskstats collector names; rates and utilisation are PromQL's job here
  // (`rate(node_disk_io_time_seconds_total[5m])`), the snapshot's own rates are for thresholds.
  const diskCounters: Array<[string, string, (d: DiskIOStats) => number]> = [
    ["reads_completed_total", "The total number of reads completed successfully.", (d) => d.readsCompleted],
    [
      "writes_completed_total",
      "The total number of writes completed successfully.",
      (d) => d.writesCompleted,
    ],
    ["read_bytes_total", "The total number of bytes read successfully.", (d) => d.readBytes],
    ["written_bytes_total", "The total number of bytes written successfully.", (d) => d.writtenBytes],
    ["io_time_seconds_total", "Total seconds spent doing I/Os.", (d) => d.ioTimeSeconds],
    ["read_time_seconds_total", "The total number of seconds spent by all reads.", (d) => d.readTimeSeconds],
    [
      "write_time_seconds_total",
      "The total number of seconds spent by all writes.",
      (d) => d.writeTimeSeconds,
    ],
  ];
  for (const [suffix, help, pick] of diskCounters) {
    counter(`node_disk_${suffix}`, help, ["host", "device"], (set) =>
      eachHost((s) => {
        for (const d of s.diskIO ?? []) set({ host: s.host, device: d.device }, pick(d));
      }),
    );
  }
  gauge(
    "opsdeck_tcp_connect_seconds",
    "TCP connect time from the host to the latency target in its last sample; absent when it failed.",
    ["host", "target"],
    (set) =>
      eachHost((s) => {
        for (const l of s.latency ?? [])
          if (l.connectSeconds !== null) set({ host: s.host, target: l.target }, l.connectSeconds);
      }),
  );
  gauge(
    "opsdeck_tcp_connect_success",
    "1 when the host's last TCP connect to the latency target succeeded, 0 when it failed.",
    ["host", "target"],
    (set) =>
      eachHost((s) => {
        for (const l of s.latency ?? []) set({ host: s.host, target: l.target }, l.up ? 1 : 0);
      }),
  );
  gauge("node_boot_time_seconds", "Node boot time, in unixtime.", ["host"], (set) =>
    eachHost((s) => set({ host: s.host }, Math.round(Date.parse(s.takenAt) / 1000 - s.uptimeSeconds))),
  );
  gauge(
    "opsdeck_host_cpu_usage_ratio",
    "CPU busy ratio since the previous sample (cpu=all for the total).",
    ["host", "cpu"],
    (set) =>
      eachHost((s) => {
        set({ host: s.host, cpu: "all" }, s.cpu.usedPercent / 100);
        s.cpu.perCore.forEach((p, i) => {
          set({ host: s.host, cpu: String(i) }, p / 100);
        });
      }),
  );
  gauge(
    "opsdeck_host_snapshot_timestamp_seconds",
    "When the host's snapshot was taken, in unixtime.",
    ["host"],
    (set) => eachHost((s) => set({ host: s.host }, Date.parse(s.takenAt) / 1000)),
  );
  gauge("opsdeck_host_up", "1 when the host's heartbeat is fresh, 0 when stale.", ["host"], (set) =>
    eachHost((s, up) => {
      if (up !== undefined) set({ host: s.host }, up ? 1 : 0);
    }),
  );

  const checkLabels = ["check", "type"] as const;
  const eachCheck = (fn: (r: CheckResult, labels: { check: string; type: string }) => void) => {
    for (const r of checks()) fn(r, { check: r.checkId, type: r.type });
  };
  gauge(
    "opsdeck_check_success",
    "1 when the check's last result was up or degraded, 0 when down.",
    checkLabels,
    (set) => eachCheck((r, l) => set(l, r.status === "down" ? 0 : 1)),
  );
  gauge(
    "opsdeck_check_status",
    "1 for the state of the check's last result.",
    [...checkLabels, "status"],
    (set) =>
      eachCheck((r, l) => {
        for (const status of STATES) set({ ...l, status }, r.status === status ? 1 : 0);
      }),
  );
  gauge(
    "opsdeck_check_duration_seconds",
    "Duration of the check's last attempt in seconds.",
    checkLabels,
    (set) => eachCheck((r, l) => set(l, r.durationMs / 1000)),
  );
  gauge(
    "opsdeck_check_http_status_code",
    "HTTP status code of the check's last response.",
    checkLabels,
    (set) =>
      eachCheck((r, l) => {
        if (r.statusCode !== undefined) set(l, r.statusCode);
      }),
  );
  gauge(
    "opsdeck_check_certificate_expiry_seconds",
    "Seconds until the checked TLS certificate expires.",
    checkLabels,
    (set) =>
      eachCheck((r, l) => {
        if (r.certificate) set(l, Math.round((Date.parse(r.certificate.validTo) - now().getTime()) / 1000));
      }),
  );
  gauge(
    "opsdeck_check_last_run_timestamp_seconds",
    "When the check last ran, in unixtime.",
    checkLabels,
    (set) => eachCheck((r, l) => set(l, Date.parse(r.startedAt) / 1000)),
  );
  gauge("opsdeck_check_attempts", "Attempts the check's last run needed.", checkLabels, (set) =>
    eachCheck((r, l) => set(l, r.attempts)),
  );

  // Backup freshness: timestamps rather than ages, so the exposition does not change between
  // snapshots; an age is `time() - opsdeck_backup_last_success_timestamp_seconds` in PromQL.
  const backupLabels = ["host", "label"] as const;
  /** A backup gauge with one series per job that has the value (none where it is undefined). */
  const backupGauge = (name: string, help: string, value: (b: BackupMetricsSource) => number | undefined) =>
    gauge(name, help, backupLabels, (set) => {
      for (const b of backups()) {
        const v = value(b);
        if (v !== undefined) set({ host: b.host, label: b.label }, v);
      }
    });
  const seconds = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso) / 1000);
  backupGauge(
    "opsdeck_backup_last_success_timestamp_seconds",
    "When the backup job's last success completed, in unixtime.",
    (b) => seconds(b.lastSuccess?.completedAt),
  );
  backupGauge(
    "opsdeck_backup_last_success_size_bytes",
    "Stored (compressed) bytes of the backup job's last success.",
    (b) => b.lastSuccess?.size,
  );
  backupGauge(
    "opsdeck_backup_last_failure_timestamp_seconds",
    "When the backup job last failed, in unixtime (also when a success came later).",
    (b) => seconds(b.lastFailure?.failedAt),
  );
  backupGauge(
    "opsdeck_backup_last_verify_ok",
    "1 when the backup job's last verification passed, 0 when it failed; absent when never verified.",
    (b) => (b.lastVerify === undefined ? undefined : b.lastVerify.ok ? 1 : 0),
  );
  backupGauge(
    "opsdeck_backup_last_verify_timestamp_seconds",
    "When the backup job's last verification ran, in unixtime.",
    (b) => seconds(b.lastVerify?.checkedAt),
  );
  backupGauge(
    "opsdeck_backup_stale_after_seconds",
    "The backup job is stale when its last success is older than this.",
    (b) => (b.staleAfterMs === undefined ? undefined : b.staleAfterMs / 1000),
  );
  return registry;
}
