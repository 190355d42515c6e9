import { Hono } from "hono";
import { FAVICON_SVG } from "../assets/favicon";
import { REFRESH_SCRIPT } from "../assets/refresh-script";
import { STYLESHEET } from "../assets/style";
import { cachedBody, respondCached } from "../http/cached-response";
import { JSON_TYPE, SVG } from "../http/content";
import type { DashboardEnv } from "../http/env";
import type { RouteDeps } from "./deps";

/** `/healthz` (always open: it says the process serves, nothing about the checks) and the page assets. */
export function staticRoutes(deps: RouteDeps): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();
  const health = cachedBody(JSON.stringify({ status: "ok" }), JSON_TYPE, {
    ...deps.securityHeaders,
    "cache-control": "no-store",
  });
  const assetHeaders = { ...deps.securityHeaders, "cache-control": "public, max-age=300" };
  const script = cachedBody(REFRESH_SCRIPT, "text/javascript; charset=utf-8", assetHeaders);
  const style = cachedBody(STYLESHEET, "text/css; charset=utf-8", assetHeaders);
  const icon = cachedBody(FAVICON_SVG, SVG, assetHeaders);

  routes.get("/healthz", (c) => respondCached(c, health));
  routes.get("/assets/refresh.js", (c) => respondCached(c, script));
  routes.get("/assets/dashboard.css", (c) => respondCached(c, style));
  routes.get("/assets/favicon.svg", (c) => respondCached(c, icon));
  return routes;
}
