import { type Context, Hono } from "hono";
import type { Snapshot } from "../cache/snapshot";
import { fleetView } from "../fleet/model";
import { type CachedBody, cachedBody, respondCached } from "../http/cached-response";
import { fromSnapshot, HTML, JSON_TYPE, viewerHeaders } from "../http/content";
import type { DashboardEnv } from "../http/env";
import type { DashboardState } from "../state";
import { fleetMain } from "../views/fleet-page";
import { timestamp } from "../views/format";
import { html, toText } from "../views/html";
import { page } from "../views/layout";
import type { RouteDeps } from "./deps";

function fleetBodies(
  snapshot: Snapshot<DashboardState>,
  deps: RouteDeps,
): { page: CachedBody; fragment: CachedBody; json: CachedBody } {
  return snapshot.memo("fleet", () => {
    const view = fleetView(snapshot.value);
    const headers = viewerHeaders(deps.securityHeaders, "operator");
    const main = fleetMain(view);
    const fragment = cachedBody(toText(main), HTML, headers);
    const full = page({
      title: `Fleet · ${deps.settings.title}`,
      site: deps.settings.title,
      section: "fleet",
      main,
      fragment: { url: "/fragment/fleet", etag: fragment.etag },
      refreshSeconds: deps.settings.refreshSeconds,
      footer: html`Generated ${timestamp(view.generatedAt)} · <a href="/api/hosts">JSON</a>`,
    });
    return {
      page: cachedBody(toText(full), HTML, headers),
      fragment,
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
