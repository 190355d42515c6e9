/**
 * Canonical severity levels. Codes are small integers so the scan loop can count them in a typed
 * array; `LEVELS[code]` gives the name. Order matters: a higher code is more severe.
 */
export const LEVELS = ["unknown", "trace", "debug", "info", "notice", "warn", "error", "fatal"] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_UNKNOWN = 0;
export const LEVEL_TRACE = 1;
export const LEVEL_DEBUG = 2;
export const LEVEL_INFO = 3;
export const LEVEL_NOTICE = 4;
export const LEVEL_WARN = 5;
export const LEVEL_ERROR = 6;
export const LEVEL_FATAL = 7;

/** Lines at these levels count as errors (for error types, the histogram and incidents). */
export function isErrorLevel(code: number): boolean {
  return code >= LEVEL_ERROR;
}

export function levelCode(level: Level): number {
  return LEVELS.indexOf(level);
}

/** The words a log line may use for its level, case-insensitive. */
const LEVEL_WORDS: Record<string, number> = {
  trace: LEVEL_TRACE,
  trc: LEVEL_TRACE,
  debug: LEVEL_DEBUG,
  dbg: LEVEL_DEBUG,
  info: LEVEL_INFO,
  inf: LEVEL_INFO,
  information: LEVEL_INFO,
  informational: LEVEL_INFO,
  notice: LEVEL_NOTICE,
  warn: LEVEL_WARN,
  warning: LEVEL_WARN,
  wrn: LEVEL_WARN,
  error: LEVEL_ERROR,
  err: LEVEL_ERROR,
  severe: LEVEL_ERROR,
  fatal: LEVEL_FATAL,
  crit: LEVEL_FATAL,
  critical: LEVEL_FATAL,
  alert: LEVEL_FATAL,
  emerg: LEVEL_FATAL,
  emergency: LEVEL_FATAL,
  panic: LEVEL_FATAL,
};

/** Longest level word, so callers can stop reading a token early. */
export const MAX_LEVEL_WORD = 13;

/**
 * The level named by the ASCII letters in `buf[start, end)`, or -1 when they are not a level word.
 * Letters only: the caller cuts the token at the first non-letter. Compares bytes in place (the
 * hot path must not build a string per line); words longer than 6 letters are rare and go
 * through the word table.
 */
export function levelFromBytes(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 3) return -1;
  if (length > 6) return longLevelWord(buf, start, end);
  // Up to six lower-cased letters packed 5 bits each: a small integer, so the switch is a jump table.
  let packed = 0;
  for (let i = start; i < end; i++) {
    const c = (buf[i] as number) | 0x20;
    if (c < 97 || c > 122) return -1;
    packed = (packed << 5) | (c - 96);
  }
  return levelFromPacked(packed);
}

/**
 * The level named by a word of three to six letters packed five bits each, first letter highest
 * (`a` = 1): how levelFromBytes and the compiled syslog scan (message-scan.as.ts) hand words over.
 */
export function levelFromPacked(packed: number): number {
  switch (packed) {
    case PACKED.info:
    case PACKED.inf:
      return LEVEL_INFO;
    case PACKED.error:
    case PACKED.err:
    case PACKED.severe:
      return LEVEL_ERROR;
    case PACKED.warn:
    case PACKED.wrn:
      return LEVEL_WARN;
    case PACKED.debug:
    case PACKED.dbg:
      return LEVEL_DEBUG;
    case PACKED.trace:
    case PACKED.trc:
      return LEVEL_TRACE;
    case PACKED.notice:
      return LEVEL_NOTICE;
    case PACKED.fatal:
    case PACKED.crit:
    case PACKED.alert:
    case PACKED.emerg:
    case PACKED.panic:
      return LEVEL_FATAL;
    default:
      return -1;
  }
}

/** The level words of three to six letters as (packed letters, level): the compiled scan's table. */
export function shortLevelWords(): [number, number][] {
  return Object.entries(LEVEL_WORDS)
    .filter(([word]) => word.length >= 3 && word.length <= 6)
    .map(([word, level]) => [pack(word), level]);
}

/** The level words longer than six letters, compared in place. */
const LONG_WORDS: [string, number][] = Object.entries(LEVEL_WORDS).filter(([word]) => word.length > 6);

function longLevelWord(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  for (const [word, level] of LONG_WORDS) {
    if (word.length !== length) continue;
    let i = 0;
    while (i < length && ((buf[start + i] as number) | 0x20) === word.charCodeAt(i)) i++;
    if (i === length) return level;
  }
  return -1;
}

function pack(word: string): number {
  let packed = 0;
  for (let i = 0; i < word.length; i++) packed = (packed << 5) | (word.charCodeAt(i) - 96);
  return packed;
}

const PACKED = {
  info: pack("info"),
  inf: pack("inf"),
  error: pack("error"),
  err: pack("err"),
  severe: pack("severe"),
  warn: pack("warn"),
  wrn: pack("wrn"),
  debug: pack("debug"),
  dbg: pack("dbg"),
  trace: pack("trace"),
  trc: pack("trc"),
  notice: pack("notice"),
  fatal: pack("fatal"),
  crit: pack("crit"),
  alert: pack("alert"),
  emerg: pack("emerg"),
  panic: pack("panic"),
} as const;

/** The level named by a word (`"WARNING"`, `"err"`), or -1 when it is not a level word. */
export function levelFromString(word: string): number {
  return LEVEL_WORDS[word.toLowerCase()] ?? -1;
}

/** Syslog severities 0–7 (RFC 5424 §6.2.1) mapped onto the canonical levels. */
const SYSLOG_SEVERITY = [
  LEVEL_FATAL, // 0 emergency
  LEVEL_FATAL, // 1 alert
  LEVEL_FATAL, // 2 critical
  LEVEL_ERROR, // 3 error
  LEVEL_WARN, // 4 warning
  LEVEL_NOTICE, // 5 notice
  LEVEL_INFO, // 6 informational
  LEVEL_DEBUG, // 7 debug
];

export function levelFromSyslogSeverity(severity: number): number {
  return SYSLOG_SEVERITY[severity & 7] as number;
}

/** pino/bunyan numeric levels: 10 trace … 60 fatal. */
export function levelFromNumber(value: number): number {
  if (value >= 60) return LEVEL_FATAL;
  if (value >= 50) return LEVEL_ERROR;
  if (value >= 40) return LEVEL_WARN;
  if (value >= 30) return LEVEL_INFO;
  if (value >= 20) return LEVEL_DEBUG;
  if (value >= 10) return LEVEL_TRACE;
  return LEVEL_UNKNOWN;
}
