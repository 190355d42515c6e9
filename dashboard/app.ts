import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { MonitoringConfig } from "../app/config/schema";
import { HistoryDecodeCache } from "../app/history/decode-cache";
import { type Logger, silentLogger } from "../app/lib/logger";
import type { Store } from "../app/storage/store";
import { createAuth } from "./auth";
import { RefreshingValue } from "./cache/refreshing";
import type { DashboardConfig } from "./config";
import type { DashboardEnv } from "./http/env";
import { errorHandler, notFound } from "./http/errors";
import { securityHeaderRecord, securityHeaders } from "./http/security";
import { createRateLimits } from "./rate-limit/limits";
import { badgeRoutes } from "./routes/badges";
import { checkRoutes } from "./routes/checks";
import type { RouteDeps } from "./routes/deps";
import { fleetRoutes } from "./routes/fleet";
import { metricsRoutes } from "./routes/metrics";
import { staticRoutes } from "./routes/static";
import { statusRoutes } from "./routes/status";
import { type DashboardState, loadDashboardState } from "./state";
import { RecentHistoryCache } from "./status/history-cache";

/** No route takes a body; anything bigger than this is refused before it is read. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface DashboardOptions {
  config: MonitoringConfig;
  settings: DashboardConfig;
  store: Store;
  /** OPSDECK_DASHBOARD_TOKEN: unset means the operator views refuse every request. */
  token?: string;
  now?: () => Date;
  logger?: Logger;
  /**
   * How long past its TTL a snapshot is served while it refreshes in the background. Default: one
   * minute (a long-lived server); Lambda passes 0, as a frozen environment cannot refresh later.
   */
  maxStaleMs?: number;
}

export interface Dashboard {
  app: Hono<DashboardEnv>;
  /** Reads the stored state now (the server's refresh task keeps snapshots warm with it). */
  refresh(): Promise<void>;
  /** Makes the next request wait for fresh state (after this process saved a checks round). */
  invalidate(): void;
}

/**
 * The dashboard: a Hono app that serves pages, JSON, badges and metrics from cached snapshots of
 * the stored state. It never runs a check or samples the machine during a request.
 */
export async function createDashboard(options: DashboardOptions): Promise<Dashboard> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const { config, settings, store } = options;
  const maxStaleMs = options.maxStaleMs ?? 60_000;
  const onError = (error: unknown) =>
    logger.warn(
      { error: (error as Error)?.message },
      "reading the stored state failed; serving the last snapshot",
    );

  // In memory: per process on a server, per warm execution environment on Lambda (docs/dashboard.md).
  const rateLimits = createRateLimits(settings.rateLimit, () => now().getTime(), logger);
  // Refreshes re-read the history every few seconds; only what changed is parsed again.
  const decodeCache = new HistoryDecodeCache();
  const deps: RouteDeps = {
    config,
    settings,
    store,
    now,
    auth: createAuth({
      token: options.token,
      username: settings.username,
      publicStatus: settings.publicStatus,
      signIns: rateLimits.signIns,
    }),
    state: new RefreshingValue<DashboardState>(() => loadDashboardState(config, store, now(), decodeCache), {
      ttlMs: settings.cacheTtlMs,
      maxStaleMs,
      now: () => now().getTime(),
      onError,
    }),
    history: new RecentHistoryCache(store, { ttlMs: settings.cacheTtlMs, maxStaleMs, now, onError }),
    securityHeaders: await securityHeaderRecord(),
  };

  const app = new Hono<DashboardEnv>();
  app.onError(errorHandler(logger));
  app.notFound(notFound);
  app.use(securityHeaders);
  app.use(rateLimits.requests);
  app.on(["POST", "PUT", "PATCH", "DELETE"], "*", bodyLimit({ maxSize: BODY_LIMIT_BYTES }));
  app.route("/", staticRoutes(deps));
  app.route("/", statusRoutes(deps));
  app.route("/", checkRoutes(deps));
  app.route("/", badgeRoutes(deps));
  app.route("/", fleetRoutes(deps));
  app.route("/", metricsRoutes(deps));

  return {
    app,
    async refresh() {
      await deps.state.refresh();
    },
    invalidate() {
      deps.state.invalidate();
      deps.history.invalidate();
    },
  };
}
