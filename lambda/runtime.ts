import type { APIGatewayProxyResult, LambdaEvent as HonoLambdaEvent, LambdaContext } from "hono/aws-lambda";
import { handle } from "hono/aws-lambda";
import { CheckRunner } from "../app/checks/runner";
import { loadAppConfig } from "../app/config/load";
import { createLogger, type Logger } from "../app/lib/logger";
import { runChecksRound } from "../app/monitor/round";
import { openStore } from "../app/storage";
import type { Store } from "../app/storage/store";
import { createDashboard, type Dashboard } from "../dashboard/app";
import { type DashboardAppConfig, dashboardAppConfigSchema } from "../dashboard/config";
import { type HttpEvent, parseLambdaEvent, type ScheduledEvent } from "./events";

/** What a scheduled invocation returns (visible in the Lambda console and test invokes). */
export interface RoundSummary {
  roundId: string;
  startedAt: string;
  finishedAt: string;
  checks: number;
  down: number;
  events: number;
  undelivered: number;
  errors: string[];
}

export type LambdaHandler = (
  event: unknown,
  context?: LambdaContext,
) => Promise<APIGatewayProxyResult | RoundSummary>;

export interface LambdaRuntimeOptions {
  /** Where the config and the dashboard token come from (process.env in Lambda). */
  env: Record<string, string | undefined>;
  logger?: Logger;
  /** The dashboard's clock (snapshot ages, rate-limit refills). */
  now?: () => Date;
}

interface Runtime {
  config: DashboardAppConfig;
  store: Store;
  dashboard: Dashboard;
  http: ReturnType<typeof handle>;
  /** Lives as long as the execution environment: breakers and certificate caches carry over. */
  runner: CheckRunner;
}

/** Time kept back from the Lambda deadline so a cancelled round still saves what it finished. */
const DEADLINE_MARGIN_MS = 5_000;

/**
 * The Lambda entry: HTTP events go through Hono's AWS Lambda adapter to the dashboard, EventBridge
 * scheduled events run one checks round persisted to the store. The config is loaded once per
 * execution environment, on the first invocation, so module initialisation stays cheap.
 */
export function createLambdaHandler(options: LambdaRuntimeOptions): LambdaHandler {
  const logger = options.logger ?? createLogger("opsdeck-lambda");
  let ready: Promise<Runtime> | undefined;

  const init = async (): Promise<Runtime> => {
    const { config, source } = await loadAppConfig({ schema: dashboardAppConfigSchema, env: options.env });
    const store = await openStore(config.storage);
    const dashboard = await createDashboard({
      config,
      settings: config.dashboard,
      store,
      token: options.env.OPSDECK_DASHBOARD_TOKEN || undefined,
      logger,
      ...(options.now ? { now: options.now } : {}),
      // A frozen environment cannot refresh in the background: stale snapshots are reloaded on request.
      maxStaleMs: 0,
    });
    logger.info(
      { config: source, store: store.location, checks: config.checks.length },
      "lambda initialised",
    );
    return {
      config,
      store,
      dashboard,
      http: handle(dashboard.app),
      runner: new CheckRunner(config.checkDefaults),
    };
  };

  return async (event, context) => {
    const parsed = parseLambdaEvent(event);
    ready ??= init().catch((error: unknown) => {
      ready = undefined; // a later invocation tries again (e.g. after the config was fixed)
      throw error;
    });
    const runtime = await ready;
    if (parsed.kind === "scheduled") return runRound(runtime, parsed.event, context, logger);
    return serveHttp(runtime, parsed.event, context);
  };
}

function serveHttp(runtime: Runtime, event: HttpEvent, context: LambdaContext | undefined) {
  return runtime.http(event as unknown as HonoLambdaEvent, context);
}

async function runRound(
  runtime: Runtime,
  event: ScheduledEvent,
  context: LambdaContext | undefined,
  logger: Logger,
): Promise<RoundSummary> {
  const remaining = context?.getRemainingTimeInMillis();
  const signal =
    remaining === undefined
      ? undefined
      : AbortSignal.timeout(Math.max(1_000, remaining - DEADLINE_MARGIN_MS));
  const report = await runChecksRound(runtime.config, runtime.store, {
    runner: runtime.runner,
    logger: logger.child({ schedule: event.resources[0], eventId: event.id }),
    remediation: {
      mode: "skip",
      reason: "on Lambda there is no host to restart; run opsdeck agent on the host",
    },
    ...(signal ? { signal } : {}),
  });
  runtime.dashboard.invalidate();
  return {
    roundId: report.roundId,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    checks: report.results.length,
    down: report.results.filter((r) => r.status === "down").length,
    events: report.events.length,
    undelivered: report.undelivered,
    errors: report.errors,
  };
}
