import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { cachedBody, respondCached } from "../http/cached-response";
import { currentSnapshot, SVG } from "../http/content";
import type { DashboardEnv } from "../http/env";
import { parseQuery } from "../http/query";
import { UPTIME_WINDOWS } from "../status/view-model";
import { badge, statusBadge, uptimeColor } from "../views/badge";
import { percent } from "../views/format";
import { toText } from "../views/html";
import type { RouteDeps } from "./deps";
import { viewOf } from "./status";

const uptimeQuerySchema = z.strictObject({
  window: z.enum(UPTIME_WINDOWS as ["24h", "7d", "30d", "90d"]).default("30d"),
});

/**
 * SVG badges for READMEs and wikis: `/badge/:id/status.svg`, `/badge/:id/uptime.svg?window=30d`.
 * Public checks only unless the request carries operator credentials. They are embedded from other
 * sites, so they allow cross-origin embedding and may be cached briefly by shared caches.
 */
export function badgeRoutes(deps: RouteDeps): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();
  const headers = {
    ...deps.securityHeaders,
    "cross-origin-resource-policy": "cross-origin",
    "cache-control": "public, max-age=60",
  };
  const operatorHeaders = { ...headers, "cache-control": "private, no-cache", vary: "Authorization" };

  routes.get("/badge/:id/:kind{(status|uptime)\\.svg}", deps.auth.viewer, async (c) => {
    const { window } = parseQuery(uptimeQuerySchema, c.req.query());
    const kind = c.req.param("kind");
    const id = c.req.param("id");
    const snapshot = await currentSnapshot(deps.state);
    const viewer = c.var.viewer;
    const check = viewOf(snapshot, viewer).checks.find((ch) => ch.id === id);
    if (!check) throw new HTTPException(404, { message: `no check with id "${id}"` });
    const key =
      kind === "status.svg" ? `badge:${viewer}:${id}:status` : `badge:${viewer}:${id}:uptime:${window}`;
    const body = snapshot.memo(key, () => {
      const svg =
        kind === "status.svg"
          ? statusBadge(check.name, check.status)
          : badge(`uptime ${window}`, percent(check.uptime[window]), uptimeColor(check.uptime[window]));
      return cachedBody(toText(svg), SVG, viewer === "operator" ? operatorHeaders : headers);
    });
    return respondCached(c, body);
  });
  return routes;
}
