import { z } from "zod";
import { parseOrThrow } from "../lib/validation";
import { LOG_FORMATS } from "./formats";
import { LEVELS, levelCode } from "./levels";
import type { LineFilterSpec } from "./line-filter";
import { DEFAULT_SCANNER_LIMITS, type ScannerLimits } from "./line-scanner";
import type { StateLimits } from "./scan-state";

const timeBound = z
  .union([z.date(), z.string()])
  .refine((value) => !Number.isNaN(value instanceof Date ? value.getTime() : Date.parse(value)), {
    message: "expected a date or an ISO 8601 time such as 2026-03-07T14:00:00Z",
  });

const positiveInt = z.number().int().positive();

/** What `analyzeLogs` accepts (besides the callbacks and the abort signal). */
export const analyzeOptionsSchema = z
  .object({
    /** A format for every file, or "auto" to detect each file's format from a sample. */
    format: z.enum([...LOG_FORMATS, "auto"]).default("auto"),
    /** Keep only lines at these levels. */
    levels: z.array(z.enum(LEVELS)).min(1).optional(),
    /** Keep only lines containing this text (case-sensitive) or matching this expression. */
    pattern: z.union([z.string().min(1), z.instanceof(RegExp)]).optional(),
    since: timeBound.optional(),
    until: timeBound.optional(),
    /** How many top IPs, error types and messages to report. */
    top: positiveInt.max(10_000).default(10),
    histogram: z.enum(["minute", "hour", "auto"]).default("auto"),
    incidents: z
      .object({
        errorsPerMinute: positiveInt.default(10),
        mergeGapMinutes: z.number().int().min(0).default(1),
      })
      .prefault({}),
    /** UTC offset (minutes) for timestamps that carry no zone: RFC 3164 syslog, zone-less ISO. */
    assumeUtcOffsetMinutes: z
      .number()
      .int()
      .min(-14 * 60)
      .max(14 * 60)
      .default(0),
    /** Worker threads; "auto" uses up to one per core for inputs worth splitting. */
    workers: z.union([positiveInt.max(64), z.literal("auto")]).default("auto"),
    limits: z
      .object({
        ipExactLimit: positiveInt.min(2).default(50_000),
        errorTypeLimit: positiveInt.min(2).default(1_000),
        messageLimit: positiveInt.min(2).default(5_000),
        maxDays: positiveInt.max(36_600).default(400),
        maxLineBytes: positiveInt.min(256).default(DEFAULT_SCANNER_LIMITS.maxLineBytes),
      })
      .prefault({}),
    /** Bytes per read. */
    chunkBytes: positiveInt
      .min(64 * 1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
  })
  .refine(
    (options) =>
      options.since === undefined || options.until === undefined || toMs(options.since) < toMs(options.until),
    {
      message: "since must be before until",
      path: ["until"],
    },
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
