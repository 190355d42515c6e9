import type { Command } from "commander";
import type { OnceResult } from "../../agent";
import { renderTable } from "../../logs/render";
import type { CliContext } from "../context";
import { EXIT } from "../exit-codes";
import { formatBytes } from "../units";

/** `opsdeck agent`: runs until SIGTERM/SIGINT, then stops every task cleanly (exit 0). */
export function registerAgent(program: Command, ctx: CliContext): void {
  program
    .command("agent")
    .description(
      "run the agent: metrics heartbeat, log follow with error summaries, scheduled backups with prune",
    )
    .option("--once", "one heartbeat and the backups that are due, then exit (a smoke test)")
    .option("--json", "with --once: print the result as JSON")
    .action(async (flags: { once?: boolean; json?: boolean }) => {
      const { config, source } = await ctx.config();
      const [{ runAgentOnce, startAgent }, { handleShutdownSignals }] = await Promise.all([
        import("../../agent/index.js"),
        import("../../scheduler/index.js"),
      ]);
      const logger = await ctx.logger("info");
      const store = await ctx.store(config);
      const deps = { logger, env: ctx.io.env, ...(ctx.io.fetch ? { fetch: ctx.io.fetch } : {}) };
      if (flags.once) {
        const result = await ctx.cancellable((signal) => runAgentOnce(config, store, { ...deps, signal }));
        if (flags.json) ctx.printJson(result);
        else ctx.print(onceTable(result));
        if (!result.ok) ctx.fail(EXIT.failed);
        return;
      }
      logger.info({ config: source }, "starting agent");
      const agent = startAgent(config, store, deps);
      const code = await new Promise<number>((resolve) => {
        handleShutdownSignals(agent.monitor.scheduler, {
          graceMs: config.schedule.shutdownGraceMs,
          logger,
          process: {
            once: (signal: NodeJS.Signals, listener: () => void) => ctx.io.signals.once(signal, listener),
            off: (signal: NodeJS.Signals, listener: () => void) => ctx.io.signals.off(signal, listener),
            // Resolving instead of exiting lets the entry flush output and choose the exit code.
            exit: (exitCode?: number) => resolve(exitCode ?? 0),
          } as unknown as Pick<NodeJS.Process, "once" | "off" | "exit">,
          beforeExit: async () => {
            await agent.stop(0);
          },
        });
      });
      if (code !== 0) {
        ctx.note("tasks were still running when the shutdown grace period ended");
        ctx.fail(EXIT.failed);
      } else {
        logger.info("agent stopped");
      }
    });
}

function onceTable(result: OnceResult): string {
  const tasks = renderTable(
    ["task", "result", "time"],
    result.tasks.map((t) => [
      t.name,
      t.failures > 0 ? `FAILED: ${t.lastError ?? "error"}` : "ok",
      `${t.lastDurationMs ?? 0}ms`,
    ]),
    [2],
  );
  if (result.backups.length === 0) return `AGENT ${result.host}\n${tasks}\n\nno backups were due`;
  const backups = renderTable(
    ["label", "result", "size", "pruned"],
    result.backups.map((b) =>
      b.ok
        ? [b.label, `ok ${b.record.id}`, formatBytes(b.record.size), String(b.pruned)]
        : [b.label, `FAILED while ${b.failure.phase}: ${b.failure.error}`, "-", "-"],
    ),
    [2, 3],
  );
  return `AGENT ${result.host}\n${tasks}\n\nBACKUPS\n${backups}`;
}
