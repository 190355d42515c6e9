/**
 * The dashboard benchmark's server process: the real dashboard app on @hono/node-server over a
 * seeded local store, or (--plain) a plain node:http server answering every request with a cached
 * body of --bytes bytes. Prints `listening <url>` once ready.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { parseAppConfig } from "../app/config/load";
import { LocalStore } from "../app/storage/local-store";
import { createDashboard } from "../dashboard/app";
import { dashboardAppConfigSchema } from "../dashboard/config";
import { listen } from "../dashboard/server";
import { benchChecks } from "./dashboard-seed";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    checks: { type: "string", default: "10" },
    plain: { type: "boolean", default: false },
    bytes: { type: "string", default: "0" },
  },
});

async function main(): Promise<void> {
  // Exit through process.exit so profilers (--cpu-prof) get to write their output.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
  if (values.plain) {
    const body = Buffer.alloc(Number(values.bytes), "x");
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": body.byteLength });
      res.end(body);
    });
    server.listen(0, "127.0.0.1", () => {
      process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
    });
    return;
  }
  const config = parseAppConfig(
    { storage: { type: "local", dir: values.store }, checks: benchChecks(Number(values.checks)) },
    "bench config",
    { schema: dashboardAppConfigSchema },
  );
  const store = new LocalStore(config.storage.type === "local" ? config.storage.dir : "");
  const dashboard = await createDashboard({
    config,
    settings: config.dashboard,
    store,
    token: "bench-token",
  });
  await dashboard.refresh();
  // The server process keeps its snapshot warm like dashboard/main.ts does.
  setInterval(() => void dashboard.refresh().catch(() => undefined), config.dashboard.cacheTtlMs).unref();
  const server = await listen(dashboard.app, { port: 0, hostname: "127.0.0.1" });
  process.stdout.write(`listening ${server.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
