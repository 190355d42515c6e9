import type { SystemSource } from "../../../app/metrics";
import { type LoopbackServer, startHttpServer } from "../../support/loopback";

/** A service with a healthy and a failing endpoint, counting the requests it serves. */
export async function startService(): Promise<LoopbackServer & { hits: () => number }> {
  let hits = 0;
  const server = await startHttpServer((req, res) => {
    hits++;
    res.statusCode = req.url === "/fail" ? 500 : 200;
    res.end(req.url === "/fail" ? "boom" : "ok");
  });
  return { ...server, hits: () => hits };
}

/** A webhook receiver that records the events it accepts. */
export async function startReceiver(): Promise<
  LoopbackServer & { events: () => Array<Record<string, unknown>> }
> {
  const events: Array<Record<string, unknown>> = [];
  const server = await startHttpServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      events.push((JSON.parse(body) as { event: Record<string, unknown> }).event);
      res.end();
    });
  });
  return { ...server, events: () => events };
}

/** A fixed machine: 2 cores, 50% memory, and a root disk at `diskUsedPercent`. */
export function fixedSource(diskUsedPercent = 50): SystemSource {
  return {
    currentLoad: async () => ({ currentLoad: 10, cpus: [{ load: 10 }, { load: 10 }] }),
    mem: async () => ({
      total: 1000,
      available: 500,
      free: 400,
      used: 600,
      buffers: 0,
      cached: 100,
      swaptotal: 0,
      swapused: 0,
      swapfree: 0,
    }),
    fsSize: async () => [
      {
        fs: "/dev/sda1",
        type: "ext4",
        size: 100,
        used: diskUsedPercent,
        available: 100 - diskUsedPercent,
        mount: "/",
      },
    ],
    networkStats: async () => [{ iface: "eth0", rx_bytes: 10, tx_bytes: 20 }],
    processes: async () => ({ list: [] }),
    loadavg: () => [0.2, 0.1, 0.1],
    uptimeSeconds: () => 1000,
    cpuTimes: () => [{ user: 1, nice: 0, sys: 1, idle: 10, irq: 0 }],
  };
}
