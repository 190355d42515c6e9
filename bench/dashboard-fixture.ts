import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAppConfig } from "../app/config/load";
import { LocalStore } from "../app/storage/local-store";
import { benchChecks, seedBenchState } from "./dashboard-seed";
import { type ServerProcess, startServer } from "./lib/server-process";

const root = path.resolve(__dirname, "..");
const script = path.join(__dirname, "dashboard-server.ts");

/** bench/dashboard-server.ts in its own process (as in production), TypeScript run through tsx. */
function startBenchServer(args: string[]): Promise<ServerProcess> {
  return startServer(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: root, // where `--import tsx` resolves
    env: { ...process.env, OPSDECK_LOG_LEVEL: "warn" },
    announcesUrl: true,
  });
}

export interface BenchDashboard {
  server: ServerProcess;
  /** Stops the server and removes its store. */
  close(): Promise<void>;
}

/** The real dashboard over a seeded store of `checks` checks (bench/dashboard-seed.ts). */
export async function startBenchDashboard(checks: number): Promise<BenchDashboard> {
  const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-bench-dashboard-"));
  try {
    const config = parseAppConfig({ checks: benchChecks(checks) }, "bench").checks;
    await seedBenchState(new LocalStore(dir), config, new Date());
    const server = await startBenchServer(["--store", dir, "--checks", String(checks)]);
    return {
      server,
      async close() {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A plain node:http server answering every request with the bytes of `bodyFile`. */
export function startPlainServer(bodyFile: string, contentType: string): Promise<ServerProcess> {
  return startBenchServer(["--plain", "--body", bodyFile, "--type", contentType]);
}
