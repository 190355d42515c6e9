/**
 * The dashboard benchmarks' server process: the real dashboard app on @hono/node-server over a
 * seeded local store, or (--plain) a plain node:http server answering every request with the
 * bytes of --body (a page fetched from the dashboard) and its content type. Prints
 * `listening <url>` once ready.
 */
import { readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { parseAppConfig } from "../app/config/load";
import { LocalStore } from "../app/storage/local-store";
import { createDashboard } from "../dashboard/app";
import { dashboardAppConfigSchema } from "../dashboard/config";
import { listen } from "../dashboard/server";
import { BENCH_TOKEN, benchChecks } from "./dashboard-seed";

function servePlain(file: string, contentType: string): void {
  const body = readFileSync(file);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": contentType, "content-length": body.byteLength });
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      store: { type: "string" },
      checks: { type: "string", default: "10" },
      plain: { type: "boolean", default: false },
      body: { type: "string" },
      type: { type: "string", default: "text/html; charset=utf-8" },
    },
  });
  // Exit through process.exit so profilers (--cpu-prof) get to write their output.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
  if (values.plain) {
    if (!values.body) throw new Error("--plain needs --body <file>");
    servePlain(values.body, values.type);
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
    token: BENCH_TOKEN,
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
