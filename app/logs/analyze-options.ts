import { parseOrThrow } from "../lib/validation";
import "../lib/zod-messages";
import * as z from "zod/mini";
import { LOG_FORMATS } from "./formats";
import { LEVELS, levelCode } from "./levels";
import type { LineFilterSpec } from "./line-filter";
import { DEFAULT_SCANNER_LIMITS, type ScannerLimits } from "./line-scanner";
import type { StateLimits } from "./scan-state";

const timeBound = z.union([z.date(), z.string()]).check(
  z.refine((value) => !Number.isNaN(toMs(value)), {
    message: "expected a date or an ISO 8601 time such as 2026-03-07T14:00:00Z",
  }),
);

const positiveInt = z.int().check(z.positive());

/** What `analyzeLogs` accepts (besides the callbacks and the abort signal). */
export const analyzeOptionsSchema = z
  .object({
    /** A format for every file, or "auto" to detect each file's format from a sample. */
    format: z._default(z.enum([...LOG_FORMATS, "auto"]), "auto"),
    /** Keep only lines at these levels. */
    levels: z.optional(z.array(z.enum(LEVELS)).check(z.minLength(1))),
    /** Keep only lines containing this text (case-sensitive) or matching this expression. */
    pattern: z.optional(z.union([z.string().check(z.minLength(1)), z.instanceof(RegExp)])),
    since: z.optional(timeBound),
    until: z.optional(timeBound),
    /** How many top IPs, error types and messages to report. */
    top: z._default(positiveInt.check(z.maximum(10_000)), 10),
    histogram: z._default(z.enum(["minute", "hour", "auto"]), "auto"),
    incidents: z.prefault(
      z.object({
        errorsPerMinute: z._default(positiveInt, 10),
        mergeGapMinutes: z._default(z.int().check(z.minimum(0)), 1),
      }),
      {},
    ),
    /** UTC offset (minutes) for timestamps that carry no zone: RFC 3164 syslog, zone-less ISO. */
    assumeUtcOffsetMinutes: z._default(z.int().check(z.minimum(-14 * 60), z.maximum(14 * 60)), 0),
    /** Worker threads; "auto" uses up to one per core for inputs worth splitting. */
    workers: z._default(z.union([positiveInt.check(z.maximum(64)), z.literal("auto")]), "auto"),
    limits: z.prefault(
      z.object({
        ipExactLimit: z._default(positiveInt.check(z.minimum(2)), 50_000),
        errorTypeLimit: z._default(positiveInt.check(z.minimum(2)), 1_000),
        messageLimit: z._default(positiveInt.check(z.minimum(2)), 5_000),
        maxDays: z._default(positiveInt.check(z.maximum(36_600)), 400),
        maxLineBytes: z._default(positiveInt.check(z.minimum(256)), DEFAULT_SCANNER_LIMITS.maxLineBytes),
      }),
      {},
    ),
    /** Bytes per read. */
    chunkBytes: z._default(positiveInt.check(z.minimum(64 * 1024), z.maximum(64 * 1024 * 1024)), 1024 * 1024),
  })
  .check(
    z.refine(
      (options) =>
        options.since === undefined ||
        options.until === undefined ||
        toMs(options.since) < toMs(options.until),
      { message: "since must be before until", path: ["until"] },
    ),
  );

export type AnalyzeSettingsInput = z.input<typeof analyzeOptionsSchema>;
export type AnalyzeSettings = z.output<typeof analyzeOptionsSchema>;

function toMs(value: Date | string): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

export function parseAnalyzeSettings(input: unknown): AnalyzeSettings {
  return parseOrThrow(analyzeOptionsSchema, input ?? {}, "log analysis options");
}

export function filterSpecOf(settings: AnalyzeSettings): LineFilterSpec {
  return {
    levels: settings.levels ? settings.levels.map(levelCode) : null,
    pattern: settings.pattern ?? null,
    since: settings.since === undefined ? Number.NaN : toMs(settings.since),
    until: settings.until === undefined ? Number.NaN : toMs(settings.until),
  };
}

export function stateLimitsOf(settings: AnalyzeSettings): StateLimits {
  const { ipExactLimit, errorTypeLimit, messageLimit, maxDays } = settings.limits;
  return { ipExactLimit, errorTypeLimit, messageLimit, maxDays };
}

export function scannerLimitsOf(settings: AnalyzeSettings): ScannerLimits {
  return { ...DEFAULT_SCANNER_LIMITS, maxLineBytes: settings.limits.maxLineBytes };
}
