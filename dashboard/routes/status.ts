import { type Context, Hono } from "hono";
import type { Viewer } from "../auth-types";
import type { Snapshot } from "../cache/snapshot";
import { type CachedBody, cachedBody, respondCached } from "../http/cached-response";
import { fromSnapshot, JSON_TYPE, viewerHeaders } from "../http/content";
import type { DashboardEnv } from "../http/env";
import type { DashboardState } from "../state";
import { type StatusView, statusView } from "../status/view-model";
import { statusMain } from "../views/status-page";
import type { RouteDeps } from "./deps";
import { pageBodies } from "./page-bodies";

interface StatusBodies {
  page: CachedBody;
  fragment: CachedBody;
  json: CachedBody;
}

/** What a viewer may see of a snapshot, computed once per snapshot and viewer. */
export function viewOf(snapshot: Snapshot<DashboardState>, viewer: Viewer): StatusView {
  return snapshot.memo(`view:${viewer}`, () => statusView(snapshot.value.overview, viewer));
}

/** The status page, its refresh fragment and its JSON, rendered once per snapshot and viewer. */
function statusBodies(snapshot: Snapshot<DashboardState>, viewer: Viewer, deps: RouteDeps): StatusBodies {
  return snapshot.memo(`status:${viewer}`, () => {
    const view = viewOf(snapshot, viewer);
    const headers = viewerHeaders(deps.securityHeaders, viewer);
    return {
      ...pageBodies(deps, {
        title: null,
        section: "status",
        main: statusMain(view),
        fragmentUrl: "/fragment/status",
        jsonUrl: "/api/status",
        generatedAt: view.generatedAt,
        headers,
      }),
      json: cachedBody(JSON.stringify(view), JSON_TYPE, headers),
    };
  });
}

/** `/`, `/fragment/status`, `/api/status`: served from the cached snapshot, never from the store. */
export function statusRoutes(deps: RouteDeps): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();
  const serve = (pick: keyof StatusBodies) => (c: Context<DashboardEnv>) =>
    fromSnapshot(deps.state, (snapshot) =>
      respondCached(c, statusBodies(snapshot, c.var.viewer, deps)[pick]),
    );
  routes.get("/", deps.auth.viewer, serve("page"));
  routes.get("/fragment/status", deps.auth.viewer, serve("fragment"));
  routes.get("/api/status", deps.auth.viewer, serve("json"));
  return routes;
}
