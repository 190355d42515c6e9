import { Hono } from "hono";
import { backupReportMetrics } from "../../app/backup/report";
import type { CheckResult } from "../../app/checks/result";
import { createMetricsRegistry } from "../../app/metrics/prometheus";
import { type CachedBody, cachedBody, respondCached } from "../http/cached-response";
import { currentSnapshot } from "../http/content";
import type { DashboardEnv } from "../http/env";
import type { DashboardState } from "../state";
import type { RouteDeps } from "./deps";

/**
 * `/metrics` for Prometheus (operators only: host metrics describe the infrastructure). Values
 * come from the cached snapshot: every host's last heartbeat, every check's last result and every
 * host's backup summary, so a scrape never samples this machine or probes anything. The exposition is rendered once per
 * snapshot and served as prebuilt bytes, like the status page.
 */
export function metricsRoutes(deps: RouteDeps): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();
  let scraped: DashboardState | undefined;
  const registry = createMetricsRegistry({
    hosts: () =>
      (scraped?.overview.hosts ?? []).flatMap((h) =>
        h.snapshot ? [{ snapshot: h.snapshot, up: h.status === "up" }] : [],
      ),
    checks: () =>
      (scraped?.overview.checks ?? []).flatMap((c) => (c.latest ? [c.latest as CheckResult] : [])),
    backups: () =>
      Object.entries(scraped?.reports ?? {}).flatMap(([host, r]) => backupReportMetrics(host, r.backup)),
    now: deps.now,
  });
  const headers = { ...deps.securityHeaders, "cache-control": "no-store" };

  routes.get("/metrics", deps.auth.operator, async (c) => {
    const snapshot = await currentSnapshot(deps.state);
    const body = await snapshot.memo("metrics", async (): Promise<CachedBody> => {
      scraped = snapshot.value;
      return cachedBody(await registry.metrics(), registry.contentType, headers);
    });
    return respondCached(c, body);
  });
  return routes;
}
