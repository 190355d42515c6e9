import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Viewer } from "../auth-types";
import type { Snapshot } from "../cache/snapshot";
import { cachedBody, respondCached } from "../http/cached-response";
import { fromSnapshot, SVG } from "../http/content";
import type { DashboardEnv } from "../http/env";
import { parseQuery } from "../http/query";
import type { DashboardState } from "../state";
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

  const headersFor = (viewer: Viewer) => (viewer === "operator" ? operatorHeaders : headers);
  const findCheck = (snapshot: Snapshot<DashboardState>, viewer: Viewer, id: string) => {
    const check = viewOf(snapshot, viewer).checks.find((ch) => ch.id === id);
    if (!check) throw new HTTPException(404, { message: `no check with id "${id}"` });
    return check;
  };

  routes.get("/badge/:id/status.svg", deps.auth.viewer, (c) =>
    fromSnapshot(deps.state, (snapshot) => {
      const { viewer } = c.var;
      const check = findCheck(snapshot, viewer, c.req.param("id"));
      const body = snapshot.memo(`badge:${viewer}:${check.id}:status`, () =>
        cachedBody(toText(statusBadge(check.name, check.status)), SVG, headersFor(viewer)),
      );
      return respondCached(c, body);
    }),
  );

  routes.get("/badge/:id/uptime.svg", deps.auth.viewer, (c) => {
    const { window } = parseQuery(uptimeQuerySchema, c.req.query());
    return fromSnapshot(deps.state, (snapshot) => {
      const { viewer } = c.var;
      const check = findCheck(snapshot, viewer, c.req.param("id"));
      const ratio = check.uptime[window];
      const body = snapshot.memo(`badge:${viewer}:${check.id}:uptime:${window}`, () =>
        cachedBody(
          toText(badge(`uptime ${window}`, percent(ratio), uptimeColor(ratio))),
          SVG,
          headersFor(viewer),
        ),
      );
      return respondCached(c, body);
    });
  });
  return routes;
}
