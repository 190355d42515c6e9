import { SingleBar } from "cli-progress";
import type { CliStream } from "./io";
import { formatBytes } from "./units";

/** `--progress` forces bars, `--no-progress` hides them; by default only a terminal gets them. */
export type ProgressMode = boolean | undefined;

export interface ProgressBar {
  /** Whether anything is shown (worth paying for totals, e.g. a backup's extra directory walk). */
  enabled: boolean;
  update(done: number, total: number | undefined, detail?: string): void;
  stop(): void;
}

const NONE: ProgressBar = { enabled: false, update() {}, stop() {} };

/**
 * A byte-progress bar on stderr (cli-progress), so stdout stays the command's output. Off for JSON
 * output and non-terminals unless forced; forced on a non-terminal it prints a line every second.
 */
export function progressBar(
  stream: CliStream,
  mode: ProgressMode,
  json: boolean,
  title: string,
): ProgressBar {
  const enabled = mode ?? (stream.isTTY === true && !json);
  if (!enabled) return NONE;
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: `${title} {bar} {percentage}% | {doneText} of {totalText} | {detail} | eta {eta_formatted}`,
    barsize: 24,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 1000,
    gracefulExit: false,
    etaBuffer: 20,
  });
  let started = false;
  return {
    enabled: true,
    update(done, total, detail = "") {
      const payload = {
        doneText: formatBytes(done),
        totalText: total === undefined ? "?" : formatBytes(total),
        detail,
      };
      if (!started) {
        bar.start(Math.max(total ?? 0, done, 1), done, payload);
        started = true;
        return;
      }
      if (total !== undefined) bar.setTotal(Math.max(total, done, 1));
      bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
