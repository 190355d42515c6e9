import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { readCheckHistory } from "../../app/history/read";
import type { Viewer } from "../auth-types";
import type { Snapshot } from "../cache/snapshot";
import { type CachedBody, cachedBody, respondCached } from "../http/cached-response";
import { currentSnapshot, JSON_TYPE, viewerHeaders } from "../http/content";
import type { DashboardEnv } from "../http/env";
import { parseQuery } from "../http/query";
import type { DashboardState } from "../state";
import type { RecentHistory } from "../status/history-cache";
import type { CheckView } from "../status/view-model";
import { checkMain } from "../views/check-page";
import type { RouteDeps } from "./deps";
import { pageBodies } from "./page-bodies";
import { viewOf } from "./status";

/** The longest range one history request may ask for (a week of minutely results is ~1.5 MB). */
export const MAX_HISTORY_DAYS = 7;

/** `from` and `to` of a history request; absent ones default to the last 24 hours before `now`. */
const historyQuerySchema = (now: Date) =>
  z
    .strictObject({
      from: z.iso.datetime({ offset: true, error: "expected an ISO 8601 timestamp with a zone" }).optional(),
      to: z.iso.datetime({ offset: true, error: "expected an ISO 8601 timestamp with a zone" }).optional(),
    })
    .transform((q, ctx) => {
      const to = q.to ? new Date(q.to) : undefined;
      const from = q.from ? new Date(q.from) : undefined;
      if (from && to && from > to)
        ctx.addIssue({ code: "custom", path: ["from"], message: "must not be after to" });
      const end = to ?? now;
      const start = from ?? new Date(end.getTime() - 86_400_000);
      if (end.getTime() - start.getTime() > MAX_HISTORY_DAYS * 86_400_000) {
        ctx.addIssue({
          code: "custom",
          path: ["from"],
          message: `the range may span at most ${MAX_HISTORY_DAYS} days`,
        });
      }
      return { from: start, to: end, custom: from !== undefined || to !== undefined };
    });

/** The check a viewer asked for; unknown and non-public ones look the same to the public. */
function findCheck(snapshot: Snapshot<DashboardState>, viewer: Viewer, id: string): CheckView {
  const check = viewOf(snapshot, viewer).checks.find((c) => c.id === id);
  if (!check) throw new HTTPException(404, { message: `no check with id "${id}"` });
  return check;
}

function checkBodies(
  state: Snapshot<DashboardState>,
  history: Snapshot<RecentHistory>,
  viewer: Viewer,
  check: CheckView,
  deps: RouteDeps,
): { page: CachedBody; fragment: CachedBody } {
  return history.memo(`page:${viewer}:${state.version}`, () => {
    const view = viewOf(state, viewer);
    const incidents = [...view.incidents.open, ...view.incidents.recent].filter(
      (i) => i.subject === `check:${check.id}`,
    );
    const headers = viewerHeaders(deps.securityHeaders, viewer);
    const id = encodeURIComponent(check.id);
    return pageBodies(deps, {
      title: check.name,
      section: "status",
      main: checkMain(check, history.value.entries, incidents, view.generatedAt),
      fragmentUrl: `/fragment/checks/${id}`,
      jsonUrl: `/api/checks/${id}/history`,
      generatedAt: view.generatedAt,
      headers,
    });
  });
}

/** A check's history page, its fragment, and `/api/checks/:id/history?from&to`. */
export function checkRoutes(deps: RouteDeps): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();
  const servePage = (pick: "page" | "fragment") => async (c: Context<DashboardEnv>) => {
    const state = await currentSnapshot(deps.state);
    const check = findCheck(state, c.var.viewer, c.req.param("id") ?? "");
    const history = await currentSnapshot({ get: () => deps.history.get(check.id) });
    return respondCached(c, checkBodies(state, history, c.var.viewer, check, deps)[pick]);
  };
  routes.get("/checks/:id", deps.auth.viewer, servePage("page"));
  routes.get("/fragment/checks/:id", deps.auth.viewer, servePage("fragment"));

  routes.get("/api/checks/:id/history", deps.auth.viewer, async (c) => {
    const query = parseQuery(historyQuerySchema(deps.now()), c.req.query());
    const state = await currentSnapshot(deps.state);
    const check = findCheck(state, c.var.viewer, c.req.param("id"));
    const headers = viewerHeaders(deps.securityHeaders, c.var.viewer);
    if (!query.custom) {
      const history = await currentSnapshot({ get: () => deps.history.get(check.id) });
      return respondCached(
        c,
        history.memo(`json:${c.var.viewer}`, () =>
          cachedBody(JSON.stringify(history.value), JSON_TYPE, headers),
        ),
      );
    }
    // A custom range is read from the store on request: bounded to MAX_HISTORY_DAYS of daily files.
    const entries = await readCheckHistory(deps.store, check.id, { from: query.from, to: query.to });
    return c.json(
      { checkId: check.id, from: query.from.toISOString(), to: query.to.toISOString(), entries },
      200,
      { "cache-control": headers["cache-control"] as string, vary: "Authorization" },
    );
  });
  return routes;
}
