import { createLogger, type Logger } from "../../app/lib/logger";

/** A real pino logger whose lines are kept in memory, to assert what was (and was not) logged. */
export function captureLogger(level = "debug"): {
  logger: Logger;
  lines: () => string[];
  text: () => string;
} {
  const chunks: string[] = [];
  const logger = createLogger("test", { level, destination: { write: (msg: string) => chunks.push(msg) } });
  return { logger, lines: () => chunks.map((c) => c.trim()), text: () => chunks.join("") };
}
