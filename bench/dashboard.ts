/**
 * Dashboard benchmark (`npm run bench:dashboard`; part of `npm run bench`): the cached status page
 * (`/`) and `/api/status` against a plain node:http server answering every request with the same
 * bytes (fetched from the dashboard) and content type, with wrk at 10 and 50 connections.
 *
 *   npm run bench:dashboard                                  # 10 s × 3 rounds per cell, 10 checks
 *   npm run bench:dashboard -- --seconds 3 --rounds 1 --json
 *   npm run bench:dashboard -- --checks 1                    # small pages: framework overhead shows most
 *
 * Every server runs in its own process, as in production; wrk shares the machine with it, so the
 * absolute figures depend on the cores left to each — compare the ratios.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startBenchDashboard, startPlainServer } from "./dashboard-fixture";
import { numberFlag, numberFlags, printSuite, runMain, WRK_SUITE_OPTIONS } from "./lib/cli";
import { compareHttp, type HttpCell } from "./lib/http-compare";
import { hasCommand, PEERS, skipNote } from "./lib/peers";
import { type SuiteReport, skippedSuite, type TargetResult, target } from "./lib/report";
import { fixed, grouped } from "./lib/stats";
import { wrkArgs } from "./lib/wrk";

export const DASHBOARD_TARGETS = { shareOfPlain: 0.7, p99Ms: 10, connections: 50 } as const;

export interface DashboardBenchOptions {
  checks: number;
  seconds: number;
  rounds: number;
  connections: number[];
  threads: number;
  log?: (line: string) => void;
}

export function dashboardDefaults(quick: boolean): DashboardBenchOptions {
  return { checks: 10, seconds: quick ? 2 : 10, rounds: quick ? 1 : 3, connections: [10, 50], threads: 2 };
}

const ROUTES = ["/", "/api/status"] as const;

interface Row extends HttpCell {
  route: string;
  bytes: number;
  /** Share of the plain server's req/s (dashboard rows). */
  share?: number;
}

export async function runDashboardBench(options: DashboardBenchOptions): Promise<SuiteReport> {
  const title = "Dashboard: cached pages vs plain node:http";
  if (!hasCommand(PEERS.wrk.command)) {
    const targets = ROUTES.flatMap((route) => dashboardTargets(route, []));
    return skippedSuite("dashboard", title, skipNote("every comparison", [PEERS.wrk]), targets);
  }
  const scratch = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-pages-"));
  const dashboard = await startBenchDashboard(options.checks);
  try {
    const rows: Row[] = [];
    for (const route of ROUTES) {
      const response = await fetch(`${dashboard.server.url}${route}`);
      if (response.status !== 200) throw new Error(`${route} answered ${response.status}`);
      const body = Buffer.from(await response.arrayBuffer());
      const file = path.join(scratch, `page-${rows.length}`);
      await writeFile(file, body);
      const plain = await startPlainServer(file, response.headers.get("content-type") ?? "text/html");
      try {
        for (const connections of options.connections) {
          const [base, ours] = (await compareHttp(
            [
              { name: `plain node:http (same bytes as ${route})`, url: `${plain.url}/` },
              { name: `dashboard ${route}`, url: `${dashboard.server.url}${route}` },
            ],
            {
              connections,
              seconds: options.seconds,
              rounds: options.rounds,
              threads: options.threads,
              log: options.log,
            },
          )) as [HttpCell, HttpCell];
          rows.push({ ...base, route, bytes: body.byteLength });
          rows.push({
            ...ours,
            route,
            bytes: body.byteLength,
            share: ours.requestsPerSecond / base.requestsPerSecond,
          });
        }
      } finally {
        await plain.stop();
      }
    }
    const rssMiB = dashboard.server.peakRssMiB();
    return {
      id: "dashboard",
      title,
      input: `The dashboard over a seeded store (${options.checks} checks with 90 days of summaries, a result a minute over the last day, 3 hosts, an open incident), snapshot refreshed every 5 s as in production; the plain server answers with the exact bytes and content type the dashboard served. wrk ${options.threads} threads, ${options.seconds} s per run, median of ${options.rounds} alternating rounds after a 1 s warm-up.`,
      commands: [
        ...options.connections.flatMap((c) => [
          `wrk ${wrkArgs("http://127.0.0.1:<plain>/", { connections: c, seconds: options.seconds, threads: options.threads }).join(" ")}`,
          ...ROUTES.map(
            (route) =>
              `wrk ${wrkArgs(`http://127.0.0.1:<dashboard>${route}`, { connections: c, seconds: options.seconds, threads: options.threads }).join(" ")}`,
          ),
        ]),
        "# servers: node --import tsx bench/dashboard-server.ts (--plain --body <page> for node:http)",
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
            "vs plain",
            "errors",
            "req/s per round",
          ],
          numeric: [1, 2, 3, 4, 5, 6, 7],
          rows: rows.map((r) => [
            r.target,
            grouped(r.bytes),
            String(r.connections),
            grouped(r.requestsPerSecond),
            fixed(r.p50Ms, 2),
            fixed(r.p99Ms, 2),
            r.share === undefined ? "" : `${fixed(r.share * 100)}%`,
            String(r.errors),
            r.rounds.map(grouped).join(", "),
          ]),
        },
      ],
      targets: ROUTES.flatMap((route) => dashboardTargets(route, rows)),
      skipped: [],
      notes: [`Dashboard server peak RSS (VmHWM from /proc): ${fixed(rssMiB)} MiB.`],
      data: { checks: options.checks, seconds: options.seconds, rounds: options.rounds, rows, rssMiB },
    };
  } finally {
    await dashboard.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

function dashboardTargets(route: string, rows: readonly Row[]): TargetResult[] {
  const at = DASHBOARD_TARGETS.connections;
  const row = rows.find((r) => r.route === route && r.connections === at && r.share !== undefined);
  return [
    target(
      `dashboard \`${route}\` req/s at c=${at}`,
      `≥ ${DASHBOARD_TARGETS.shareOfPlain * 100}% of node:http`,
      row ? `${fixed((row.share ?? 0) * 100)}% (${grouped(row.requestsPerSecond)} req/s)` : "–",
      row ? (row.share ?? 0) >= DASHBOARD_TARGETS.shareOfPlain : null,
    ),
    target(
      `dashboard \`${route}\` p99 at c=${at}`,
      `≤ ${DASHBOARD_TARGETS.p99Ms} ms`,
      row ? `${fixed(row.p99Ms, 2)} ms` : "–",
      row ? row.p99Ms <= DASHBOARD_TARGETS.p99Ms : null,
    ),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: WRK_SUITE_OPTIONS });
  const report = await runDashboardBench({
    ...dashboardDefaults(values.quick),
    ...numberFlags(values, {
      seconds: "positive",
      rounds: "positive",
      threads: "positive",
      checks: "positive",
    }),
    ...(values.connections
      ? { connections: values.connections.split(",").map((n) => numberFlag(n, "connections", "positive")) }
      : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printSuite(report, values.json);
}

if (require.main === module) runMain(main);
