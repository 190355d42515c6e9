import { parseAccessLine } from "./parse-access";
import { parseGenericLine } from "./parse-generic";
import { parseJsonLine } from "./parse-json";
import { parseSyslogLine } from "./parse-syslog";
import type { LineParser } from "./parsed-line";

/** The log formats opsdeck reads. Order is the tie-break preference of format detection. */
export const LOG_FORMATS = ["json", "access", "syslog", "generic"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const PARSERS: Record<LogFormat, LineParser> = {
  json: parseJsonLine,
  access: parseAccessLine,
  syslog: parseSyslogLine,
  generic: parseGenericLine,
};
