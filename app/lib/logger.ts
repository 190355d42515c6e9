import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Paths redacted from every log line. Webhook URLs, tokens and credentials are secrets:
 * a notifier or store that logs its own options must never leak them.
 */
export const REDACTED_PATHS = [
  "*.webhookUrl",
  "*.url",
  "*.token",
  "*.password",
  "*.secret",
  "*.authorization",
  "*.headers.authorization",
  "*.credentials",
  "webhookUrl",
  "token",
  "password",
  "secret",
  "credentials",
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stderr so stdout stays free for `--json` output. */
  destination?: pino.DestinationStream;
}

/** Structured JSON logger with secret redaction. One root per process; children per module. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name,
      level: options.level ?? process.env.OPSDECK_LOG_LEVEL ?? "info",
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: undefined,
    },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything: the default where a caller does not care. */
export const silentLogger: Logger = pino({ level: "silent" });
