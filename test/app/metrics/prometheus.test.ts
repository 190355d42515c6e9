import { readFileSync } from "node:fs";
import * as path from "node:path";
import { register } from "prom-client";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../../app/checks";
import { createMetricsRegistry, hostSnapshotSchema } from "../../../app/metrics";

const snapshot = hostSnapshotSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, "../../fixtures/monitoring/host-snapshot.json"), "utf8")),
);
const now = new Date("2026-11-20T10:00:00Z");
const web: CheckResult = {
  checkId: "web",
  type: "http",
  status: "degraded",
  startedAt: "2026-11-20T09:59:00.000Z",
  durationMs: 250,
  attempts: 1,
  statusCode: 200,
  message: "certificate expires in 3 days (minimum 14)",
  conditions: [],
  certificate: { validTo: "2026-11-23T10:00:00.000Z", daysLeft: 3, authorized: true },
};

describe("prometheus exposition", () => {
  it("exposes host metrics under node_exporter names and units", async () => {
    const registry = createMetricsRegistry({ hosts: () => [{ snapshot, up: true }], now: () => now });

    const text = await registry.metrics();

    expect(text).toContain('node_load1{host="web01"} 0.5');
    expect(text).toContain('node_memory_MemAvailable_bytes{host="web01"} 1000000000');
    expect(text).toContain(
      'node_filesystem_avail_bytes{host="web01",device="/dev/xvda1",fstype="ext4",mountpoint="/"} 3000000000',
    );
    expect(text).toContain(
      'node_filesystem_size_bytes{host="web01",device="/dev/xvdb",fstype="xfs",mountpoint="/var"} 10000000000',
    );
    expect(text).toContain("# TYPE node_network_receive_bytes_total counter");
    expect(text).toContain('node_network_receive_bytes_total{host="web01",device="eth0"} 123456');
    expect(text).toContain('node_cpu_seconds_total{host="web01",cpu="0",mode="user"} 100.5');
    expect(text).toContain(
      `node_boot_time_seconds{host="web01"} ${Date.parse("2026-11-19T10:00:00Z") / 1000}`,
    );
    expect(text).toContain('opsdeck_host_up{host="web01"} 1');
  });

  it("exposes disk I/O under node_exporter's diskstats names and TCP connect latency per target", async () => {
    const withIO = hostSnapshotSchema.parse({
      ...snapshot,
      diskIO: [
        {
          device: "nvme0n1",
          readsCompleted: 187456,
          writesCompleted: 532110,
          readBytes: 5_056_789_504,
          writtenBytes: 12_009_871_360,
          readTimeSeconds: 45.21,
          writeTimeSeconds: 612.345,
          ioTimeSeconds: 298.765,
          readBytesPerSecond: 1000,
          writeBytesPerSecond: 2000,
          ioUtilizationPercent: 12.5,
        },
      ],
      latency: [
        { target: "db01", address: "10.0.1.5:5432", up: true, connectSeconds: 0.000412 },
        {
          target: "cache01",
          address: "10.0.1.6:6379",
          up: false,
          connectSeconds: null,
          error: "ECONNREFUSED",
        },
      ],
    });
    const registry = createMetricsRegistry({ hosts: () => [{ snapshot: withIO }], now: () => now });

    const text = await registry.metrics();

    const series = (name: string, value: number) => `${name}{host="web01",device="nvme0n1"} ${value}`;
    expect(text).toContain("# TYPE node_disk_read_bytes_total counter");
    expect(text).toContain(series("node_disk_reads_completed_total", 187456));
    expect(text).toContain(series("node_disk_writes_completed_total", 532110));
    expect(text).toContain(series("node_disk_read_bytes_total", 5_056_789_504));
    expect(text).toContain(series("node_disk_written_bytes_total", 12_009_871_360));
    expect(text).toContain(series("node_disk_io_time_seconds_total", 298.765));
    expect(text).toContain(series("node_disk_read_time_seconds_total", 45.21));
    expect(text).toContain(series("node_disk_write_time_seconds_total", 612.345));
    expect(text).toContain('opsdeck_tcp_connect_seconds{host="web01",target="db01"} 0.000412');
    expect(text).not.toContain('opsdeck_tcp_connect_seconds{host="web01",target="cache01"}');
    expect(text).toContain('opsdeck_tcp_connect_success{host="web01",target="db01"} 1');
    expect(text).toContain('opsdeck_tcp_connect_success{host="web01",target="cache01"} 0');
  });

  it("has no disk I/O or latency series for a snapshot without them (an older agent, not Linux)", async () => {
    const registry = createMetricsRegistry({ hosts: () => [{ snapshot }], now: () => now });

    const text = await registry.metrics();

    expect(text).not.toMatch(/^node_disk_\w+\{/m);
    expect(text).not.toMatch(/^opsdeck_tcp_connect_\w+\{/m);
  });

  it("exposes check results as opsdeck_* metrics", async () => {
    const registry = createMetricsRegistry({ checks: () => [web], now: () => now });

    const text = await registry.metrics();

    expect(text).toContain('opsdeck_check_success{check="web",type="http"} 1');
    expect(text).toContain('opsdeck_check_status{check="web",type="http",status="degraded"} 1');
    expect(text).toContain('opsdeck_check_status{check="web",type="http",status="down"} 0');
    expect(text).toContain('opsdeck_check_duration_seconds{check="web",type="http"} 0.25');
    expect(text).toContain('opsdeck_check_http_status_code{check="web",type="http"} 200');
    expect(text).toContain('opsdeck_check_certificate_expiry_seconds{check="web",type="http"} 259200');
    expect(text).toContain(
      `opsdeck_check_last_run_timestamp_seconds{check="web",type="http"} ${Date.parse(web.startedAt) / 1000}`,
    );
  });

  it("exposes each backup job's last success, failure and verification per host and label", async () => {
    const registry = createMetricsRegistry({
      backups: () => [
        {
          host: "web01",
          label: "etc",
          lastSuccess: { completedAt: "2026-11-20T05:00:00.000Z", size: 5_242_880 },
          lastVerify: { checkedAt: "2026-11-20T05:10:00.000Z", ok: true },
          staleAfterMs: 48 * 3_600_000,
        },
        {
          host: "web01",
          label: "www",
          lastSuccess: { completedAt: "2026-11-18T05:00:00.000Z", size: 1024 },
          lastFailure: { failedAt: "2026-11-20T05:00:00.000Z" },
          lastVerify: { checkedAt: "2026-11-18T05:10:00.000Z", ok: false },
          staleAfterMs: 12 * 3_600_000,
        },
        { host: "db01", label: "pgdump", lastFailure: { failedAt: "2026-11-20T06:00:00.000Z" } },
      ],
      now: () => now,
    });
    const at = (iso: string) => Date.parse(iso) / 1000;

    const text = await registry.metrics();

    expect(text).toContain("# TYPE opsdeck_backup_last_success_timestamp_seconds gauge");
    expect(text).toContain(
      `opsdeck_backup_last_success_timestamp_seconds{host="web01",label="etc"} ${at("2026-11-20T05:00:00Z")}`,
    );
    expect(text).toContain(
      `opsdeck_backup_last_success_timestamp_seconds{host="web01",label="www"} ${at("2026-11-18T05:00:00Z")}`,
    );
    expect(text).toContain('opsdeck_backup_last_success_size_bytes{host="web01",label="etc"} 5242880');
    expect(text).toContain('opsdeck_backup_last_success_size_bytes{host="web01",label="www"} 1024');
    expect(text).toContain(
      `opsdeck_backup_last_failure_timestamp_seconds{host="web01",label="www"} ${at("2026-11-20T05:00:00Z")}`,
    );
    expect(text).toContain('opsdeck_backup_last_verify_ok{host="web01",label="etc"} 1');
    expect(text).toContain('opsdeck_backup_last_verify_ok{host="web01",label="www"} 0');
    expect(text).toContain(
      `opsdeck_backup_last_verify_timestamp_seconds{host="web01",label="etc"} ${at("2026-11-20T05:10:00Z")}`,
    );
    expect(text).toContain('opsdeck_backup_stale_after_seconds{host="web01",label="etc"} 172800');
    expect(text).toContain('opsdeck_backup_stale_after_seconds{host="web01",label="www"} 43200');
    // A series only where there is a record: no failure for etc, no success or verification for pgdump.
    expect(text).not.toContain('opsdeck_backup_last_failure_timestamp_seconds{host="web01",label="etc"}');
    expect(text).toContain(
      `opsdeck_backup_last_failure_timestamp_seconds{host="db01",label="pgdump"} ${at("2026-11-20T06:00:00Z")}`,
    );
    expect(text).not.toMatch(/opsdeck_backup_last_(success|verify)_\w+\{host="db01"/);
  });

  it("reads the sources at scrape time and keeps out of the global registry", async () => {
    let results: CheckResult[] = [];
    const registry = createMetricsRegistry({ checks: () => results, now: () => now });
    const before = await registry.metrics();

    results = [{ ...web, status: "down" }];
    const after = await registry.metrics();

    expect(before).not.toContain('check="web"');
    expect(after).toContain('opsdeck_check_success{check="web",type="http"} 0');
    expect(register.getSingleMetric("node_load1")).toBeUndefined();
  });
});
