import type { Logger } from "../lib/logger";
import { followLog, type LogFormat } from "../logs";
import type { FollowedFile, LogsConfig } from "../logs/config";
import { inspectFile } from "../logs/plan-tasks";
import type { TaskSpec } from "../scheduler";
import type { Store } from "../storage";
import { buildLogReport, type LogReport, writeLogReport } from "./log-report";
import { RollingLogWindow } from "./log-window";

/** How long a follow loop that stopped with an error waits before it starts again. */
export const FOLLOW_RESTART_MS = 30_000;

export interface LogTasksOptions {
  logger: Logger;
  now: () => Date;
  /** Called after each report is written (tests, health). */
  onReport?: (report: LogReport) => void;
}

/**
 * The agent's log tasks: one follow loop per configured file (a task that runs until the scheduler
 * stops; if it fails it is started again after FOLLOW_RESTART_MS) feeding a rolling window, and a
 * report task writing the window's counts to `hosts/<host>.logs.json`.
 */
export function logTasks(
  config: LogsConfig,
  host: string,
  store: Store,
  options: LogTasksOptions,
): TaskSpec[] {
  if (config.follow.length === 0) return [];
  const window = new RollingLogWindow(config.windowMinutes * 60_000, options.now);
  const tasks: TaskSpec[] = config.follow.map((file) => ({
    name: `logs:follow:${file.path}`,
    everyMs: FOLLOW_RESTART_MS,
    run: (signal) => followInto(window, file, config.pollIntervalMs, signal, options.logger),
  }));
  tasks.push({
    name: "logs:report",
    everyMs: config.reportEveryMs,
    // A report right at start would claim a window in which nothing could have been seen yet.
    runAtStart: false,
    run: async (signal) => {
      if (signal.aborted) return;
      const report = buildLogReport(host, config.windowMinutes, window.counts(config.top));
      await writeLogReport(store, report);
      options.onReport?.(report);
    },
  });
  return tasks;
}

async function followInto(
  window: RollingLogWindow,
  file: FollowedFile,
  pollIntervalMs: number,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  let format: LogFormat | undefined = file.format === "auto" ? undefined : file.format;
  logger.info({ path: file.path, format: file.format }, "following log file");
  const lines = followLog(file.path, {
    signal,
    pollIntervalMs,
    onRotation: (event) =>
      logger.info({ path: file.path, kind: event.kind, recoveredFrom: event.recoveredFrom }, "log rotated"),
  });
  for await (const line of lines) {
    // Detected once lines arrive: the file may not exist when the agent starts.
    format ??= await detect(file.path, logger);
    window.push(file.path, format, line.text);
  }
}

async function detect(path: string, logger: Logger): Promise<LogFormat> {
  try {
    const inspected = await inspectFile(path, 0, "auto", 0);
    logger.info({ path, format: inspected.format, detection: inspected.detection }, "log format detected");
    return inspected.format;
  } catch (error) {
    logger.warn({ path, error: (error as Error).message }, "log format not detected; reading it as generic");
    return "generic";
  }
}
