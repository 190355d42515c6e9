import { parseAccessLine } from "./parse-access";
import { parseApacheErrorLine } from "./parse-apache-error";
import { parseGenericLine } from "./parse-generic";
import { parseJsonLine } from "./parse-json";
import { parseSyslogLine } from "./parse-syslog";
import type { LineParser } from "./parsed-line";

/** The log formats opsdeck reads. Order is the tie-break preference of format detection. */
export const LOG_FORMATS = ["json", "access", "apache-error", "syslog", "generic"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const PARSERS: Record<LogFormat, LineParser> = {
  json: parseJsonLine,
  access: parseAccessLine,
  "apache-error": parseApacheErrorLine,
  syslog: parseSyslogLine,
  generic: parseGenericLine,
};

/** Formats whose entries may span lines (a stack trace after the log line): see continuation.ts. */
export function hasMultiLineEntries(parse: LineParser): boolean {
  return parse === parseGenericLine;
}
