/**
 * The dashboard server: `npm start` on a laptop and the `server` image in Kubernetes. One process
 * serves the dashboard and runs the scheduler (check rounds, compaction) and the agent for this
 * machine (metrics, heartbeats, log follow and backups as configured), all on the store the app
 * config names. See docs/dashboard.md.
 *
 *   tsx dashboard/main.ts [--config examples/opsdeck.yaml]
 *   node dist/server/index.js
 */
import { parseArgs } from "node:util";
import { startAgent } from "../app/agent/start";
import { loadAppConfig } from "../app/config/load";
import { createLogger } from "../app/lib/logger";
import { handleShutdownSignals } from "../app/scheduler/scheduler";
import { openStore } from "../app/storage";
import { createDashboard } from "./app";
import { dashboardAppConfigSchema } from "./config";
import { listen, listenAddress } from "./server";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  const env = process.env;
  const logger = createLogger("opsdeck-server");
  const address = listenAddress(env);
  const { config, source } = await loadAppConfig({
    schema: dashboardAppConfigSchema,
    ...(values.config ? { file: values.config } : {}),
  });
  const store = await openStore(config.storage);
  const token = env.OPSDECK_DASHBOARD_TOKEN || undefined;

  // Listen before the first checks round, so a config that checks this dashboard finds it up.
  const dashboard = await createDashboard({ config, settings: config.dashboard, store, token, logger });
  const server = await listen(dashboard.app, address);
  const agent = startAgent(config, store, { logger, checks: true });
  // Keep the snapshot warm, so visitors never wait for a store read.
  agent.monitor.scheduler.register({
    name: "dashboard-snapshot",
    everyMs: config.dashboard.cacheTtlMs,
    run: () => dashboard.refresh(),
  });

  logger.info(
    { url: server.url, config: source, store: store.location, operatorViews: token ? "token" : "refused" },
    "dashboard listening",
  );
  process.stdout.write(`opsdeck dashboard on ${server.url}\n`);
  handleShutdownSignals(agent.monitor.scheduler, {
    logger,
    graceMs: config.schedule.shutdownGraceMs,
    beforeExit: async () => {
      await server.close();
      await agent.stop(0);
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`opsdeck server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
