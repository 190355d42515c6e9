import { type Context, Hono } from "hono";
import type { Snapshot } from "../cache/snapshot";
import { fleetView } from "../fleet/model";
import { type CachedBody, cachedBody, respondCached } from "../http/cached-response";
import { fromSnapshot, JSON_TYPE, viewerHeaders } from "../http/content";
import type { DashboardEnv } from "../http/env";
import type { DashboardState } from "../state";
import { fleetMain } from "../views/fleet-page";
import type { RouteDeps } from "./deps";
import { pageBodies } from "./page-bodies";

function fleetBodies(
  snapshot: Snapshot<DashboardState>,
  deps: RouteDeps,
): { page: CachedBody; fragment: CachedBody; json: CachedBody } {
  return snapshot.memo("fleet", () => {
    const view = fleetView(snapshot.value);
    const headers = viewerHeaders(deps.securityHeaders, "operator");
    return {
      ...pageBodies(deps, {
        title: "Fleet",
        section: "fleet",
        main: fleetMain(view),
        fragmentUrl: "/fragment/fleet",
        jsonUrl: "/api/hosts",
        generatedAt: view.generatedAt,
        headers,
      }),
      json: cachedBody(JSON.stringify(view), JSON_TYPE, headers),
    };
  });
}

/** The fleet view and `/api/hosts`: operators only. */
export function fleetRoutes(deps: RouteDeps): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();
  const serve = (pick: "page" | "fragment" | "json") => (c: Context<DashboardEnv>) =>
    fromSnapshot(deps.state, (snapshot) => respondCached(c, fleetBodies(snapshot, deps)[pick]));
  routes.get("/fleet", deps.auth.operator, serve("page"));
  routes.get("/fragment/fleet", deps.auth.operator, serve("fragment"));
  routes.get("/api/hosts", deps.auth.operator, serve("json"));
  return routes;
}
