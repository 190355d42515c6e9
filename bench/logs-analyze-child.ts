/**
 * Child process of bench/logs.ts: runs opsdeck's log analysis on one file and prints a JSON
 * summary. Bundled by the bench (with scan-worker.js beside it) so it runs as production code.
 */
import { analyzeLogs } from "../app/logs/analyze";

async function main(): Promise<void> {
  const [file, workers] = process.argv.slice(2);
  if (!file) throw new Error("usage: logs-analyze-child <file> [workers|auto]");
  const analysis = await analyzeLogs(file, {
    workers: workers === undefined || workers === "auto" ? "auto" : Number(workers),
    incidents: { errorsPerMinute: 1000 },
  });
  process.stdout.write(
    `${JSON.stringify({
      lines: analysis.lines.lines,
      bytes: analysis.lines.bytes,
      levels: analysis.levels,
      errorTypes: analysis.errorTypes.top,
      uniqueIps: analysis.clientIps.unique,
      exactIps: analysis.clientIps.exact,
      incidents: analysis.incidents.items.length,
      durationMs: analysis.durationMs,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
