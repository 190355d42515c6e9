/**
 * `/metrics` benchmark (`npm run bench:metrics`; part of `npm run bench`): the dashboard's
 * Prometheus exposition (every host's last heartbeat and every check's last result, rendered once
 * per snapshot) against prometheus-node-exporter's `/metrics` (which collects this machine's
 * metrics on every scrape, as it is built to), both loaded with wrk at 10 connections.
 *
 *   npm run bench:metrics [-- --seconds 10 --rounds 3 --connections 10]
 */
import { parseArgs } from "node:util";
import { startBenchDashboard } from "./dashboard-fixture";
import { BENCH_TOKEN } from "./dashboard-seed";
import { numberFlags, printSuite, runMain, WRK_SUITE_OPTIONS } from "./lib/cli";
import { compareHttp, type HttpCell } from "./lib/http-compare";
import { hasCommand, PEERS, type Peer, skipNote } from "./lib/peers";
import { type SuiteReport, skippedSuite, target } from "./lib/report";
import { freePort, startServer } from "./lib/server-process";
import { fixed, grouped } from "./lib/stats";
import { wrkArgs } from "./lib/wrk";

export const METRICS_TARGETS = { timesNodeExporter: 10, connections: 10 } as const;

export interface MetricsBenchOptions {
  checks: number;
  seconds: number;
  rounds: number;
  connections: number;
  threads: number;
  log?: (line: string) => void;
}

export function metricsDefaults(quick: boolean): MetricsBenchOptions {
  return { checks: 10, seconds: quick ? 2 : 10, rounds: quick ? 1 : 3, connections: 10, threads: 2 };
}

async function bodyBytes(url: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return (await response.arrayBuffer()).byteLength;
}

export async function runMetricsBench(options: MetricsBenchOptions): Promise<SuiteReport> {
  const title = "`/metrics` vs prometheus-node-exporter";
  const goal = `≥ ${METRICS_TARGETS.timesNodeExporter}× node_exporter`;
  const work = `\`/metrics\` req/s at c=${options.connections}`;
  const missing = [PEERS.wrk, PEERS.nodeExporter].filter((p: Peer) => !hasCommand(p.command));
  if (missing.length > 0) {
    return skippedSuite("metrics", title, skipNote("the comparison", missing), [
      target(work, goal, "–", null),
    ]);
  }
  const port = await freePort();
  const exporter = await startServer(PEERS.nodeExporter.command, [`--web.listen-address=127.0.0.1:${port}`], {
    readyUrl: `http://127.0.0.1:${port}/metrics`,
  });
  const dashboard = await startBenchDashboard(options.checks).catch(async (error: unknown) => {
    await exporter.stop();
    throw error;
  });
  try {
    const auth = { Authorization: `Bearer ${BENCH_TOKEN}` };
    const ours = { name: "dashboard /metrics", url: `${dashboard.server.url}/metrics`, headers: auth };
    const theirs = { name: "prometheus-node-exporter /metrics", url: `http://127.0.0.1:${port}/metrics` };
    const sizes = [await bodyBytes(theirs.url, {}), await bodyBytes(ours.url, auth)];
    const cells = await compareHttp([theirs, ours], {
      connections: options.connections,
      seconds: options.seconds,
      rounds: options.rounds,
      threads: options.threads,
      log: options.log,
    });
    const [exporterCell, dashboardCell] = cells as [HttpCell, HttpCell];
    const times = dashboardCell.requestsPerSecond / exporterCell.requestsPerSecond;
    const wrkLine = (url: string, headers: Record<string, string>) =>
      `wrk ${wrkArgs(url, {
        connections: options.connections,
        seconds: options.seconds,
        threads: options.threads,
        headers,
      })
        .map((a) => (a.includes(" ") ? `'${a}'` : a))
        .join(" ")}`;
    return {
      id: "metrics",
      title,
      input: `The dashboard over the same seeded store as above (${options.checks} checks, 3 hosts), authenticated as an operator; node_exporter with its default collectors. wrk ${options.threads} threads, ${options.seconds} s per run, median of ${options.rounds} alternating rounds after a 1 s warm-up.`,
      commands: [
        `prometheus-node-exporter --web.listen-address=127.0.0.1:${port}`,
        wrkLine(theirs.url, {}),
        wrkLine("http://127.0.0.1:<dashboard>/metrics", auth),
      ],
      tables: [
        {
          columns: [
            "target",
            "body bytes",
            "connections",
            "req/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "req/s per round",
          ],
          numeric: [1, 2, 3, 4, 5, 6],
          rows: cells.map((c, i) => [
            c.target,
            grouped(sizes[i] as number),
            String(c.connections),
            grouped(c.requestsPerSecond),
            fixed(c.p50Ms, 2),
            fixed(c.p99Ms, 2),
            String(c.errors),
            c.rounds.map(grouped).join(", "),
          ]),
        },
      ],
      targets: [
        target(
          work,
          goal,
          `${fixed(times, 1)}× (${grouped(dashboardCell.requestsPerSecond)} vs ${grouped(exporterCell.requestsPerSecond)} req/s)`,
          times >= METRICS_TARGETS.timesNodeExporter,
        ),
      ],
      skipped: [],
      notes: [
        "The two do different work per request: node_exporter reads /proc and /sys on every scrape, the dashboard serves the exposition it rendered once per snapshot of the stored state (hosts report through their agents). The comparison is the one the issue asks for; it shows what a scrape costs each server.",
      ],
      data: { sizes, cells, times },
    };
  } finally {
    await dashboard.close();
    await exporter.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: WRK_SUITE_OPTIONS });
  const report = await runMetricsBench({
    ...metricsDefaults(values.quick),
    ...numberFlags(values, {
      seconds: "positive",
      rounds: "positive",
      connections: "positive",
      threads: "positive",
      checks: "positive",
    }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printSuite(report, values.json);
}

if (require.main === module) runMain(main);
