import type { Command } from "commander";
import { renderTable } from "../../logs/render";
import type { HostSnapshot } from "../../metrics";
import type { CliContext } from "../context";
import { formatBytes, parseCount } from "../units";

/** `opsdeck metrics`: one snapshot of this machine, as the agent's heartbeat carries it. */
export function registerMetrics(program: Command, ctx: CliContext): void {
  program
    .command("metrics")
    .description(
      "take a snapshot of this machine's metrics (CPU, memory, disks, disk I/O, network, latency, processes)",
    )
    .option("--json", "print the snapshot as JSON")
    .option("--settle <ms>", "time between the two samples CPU usage is measured over", "500")
    .action(async (options: { json?: boolean; settle: string }) => {
      const { config } = await ctx.config();
      const { takeMetricsSnapshot } = await import("../../monitor/index.js");
      const snapshot = await takeMetricsSnapshot(config, {
        settleMs: parseCount(options.settle, "--settle"),
        env: ctx.io.env,
        now: () => ctx.now(),
      });
      if (options.json) ctx.printJson(snapshot);
      else ctx.print(metricsTables(snapshot));
    });
}

const pct = (value: number) => `${value.toFixed(1)}%`;

export function metricsTables(s: HostSnapshot): string {
  const sections = [
    `HOST ${s.host} at ${s.takenAt} (up ${Math.floor(s.uptimeSeconds / 3600)}h)`,
    renderTable(
      ["cpu", "cores", "load 1/5/15", "memory", "of", "swap"],
      [
        [
          pct(s.cpu.usedPercent),
          String(s.cpu.cores),
          [s.load.load1, s.load.load5, s.load.load15].map((l) => l.toFixed(2)).join(" "),
          pct(s.memory.usedPercent),
          formatBytes(s.memory.totalBytes),
          s.swap.totalBytes > 0 ? pct(s.swap.usedPercent) : "-",
        ],
      ],
      [0, 1, 3, 4, 5],
    ),
    "",
    "FILESYSTEMS",
    renderTable(
      ["mount", "device", "type", "size", "used", "free"],
      s.filesystems.map((f) => [
        f.mount,
        f.device,
        f.type,
        formatBytes(f.sizeBytes),
        pct(f.usedPercent),
        formatBytes(f.availableBytes),
      ]),
      [3, 4, 5],
    ),
    "",
    "NETWORK",
    renderTable(
      ["device", "received", "sent", "rx/s", "tx/s"],
      s.network.map((n) => [
        n.device,
        formatBytes(n.rxBytes),
        formatBytes(n.txBytes),
        n.rxBytesPerSecond === null ? "-" : formatBytes(n.rxBytesPerSecond),
        n.txBytesPerSecond === null ? "-" : formatBytes(n.txBytesPerSecond),
      ]),
      [1, 2, 3, 4],
    ),
  ];
  if (s.diskIO && s.diskIO.length > 0) {
    const rate = (n: number | null) => (n === null ? "-" : `${formatBytes(n)}/s`);
    sections.push(
      "",
      "DISK I/O",
      renderTable(
        ["device", "read", "written", "read/s", "write/s", "busy"],
        s.diskIO.map((d) => [
          d.device,
          formatBytes(d.readBytes),
          formatBytes(d.writtenBytes),
          rate(d.readBytesPerSecond),
          rate(d.writeBytesPerSecond),
          d.ioUtilizationPercent === null ? "-" : pct(d.ioUtilizationPercent),
        ]),
        [1, 2, 3, 4, 5],
      ),
    );
  }
  if (s.latency && s.latency.length > 0) {
    sections.push(
      "",
      "LATENCY (TCP connect)",
      renderTable(
        ["target", "address", "connect", "status"],
        s.latency.map((l) => [
          l.target,
          l.address,
          l.connectSeconds === null ? "-" : `${(l.connectSeconds * 1000).toFixed(1)} ms`,
          l.up ? "up" : `down (${l.error ?? "failed"})`,
        ]),
        [2],
      ),
    );
  }
  if (s.processes.length > 0) {
    sections.push(
      "",
      "TOP PROCESSES",
      renderTable(
        ["pid", "name", "cpu", "mem"],
        s.processes.map((p) => [String(p.pid), p.name, pct(p.cpuPercent), pct(p.memPercent)]),
        [0, 2, 3],
      ),
    );
  }
  return sections.join("\n");
}
