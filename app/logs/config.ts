import { z } from "zod";
import type { LogFormat } from "./formats";

/**
 * The formats a followed file may name. Spelled out here rather than imported from formats.ts, which
 * pulls in every parser: the config schema is bundled into the Lambda, which parses no log lines.
 */
const FOLLOW_FORMATS = ["auto", "json", "access", "apache-error", "syslog", "generic"] as const;
// Fails to compile when formats.ts gains a format this list does not name.
type Missing = Exclude<LogFormat, (typeof FOLLOW_FORMATS)[number]>;
const _everyFormatListed: Missing extends never ? true : never = true;
void _everyFormatListed;

const positiveInt = z.int({ error: "expected a positive integer" }).positive("expected a positive integer");

/** One file the agent follows: `/var/log/syslog`, or `{ path, format }` to skip detection. */
export const followedFileSchema = z.preprocess(
  (value) => (typeof value === "string" ? { path: value } : value),
  z.strictObject({
    path: z.string({ error: "expected a file path" }).min(1, "expected a file path"),
    /** "auto" detects it from the first lines the agent sees. */
    format: z.enum(FOLLOW_FORMATS).default("auto"),
  }),
);

export type FollowedFile = z.output<typeof followedFileSchema>;

/**
 * The `logs` section of the app config: what the agent follows, and the rolling summary it writes to
 * `hosts/<host>.logs.json` for the dashboard.
 */
export const logsConfigSchema = z
  .strictObject({
    /** Files to follow (rename and copytruncate rotation are handled). */
    follow: z.array(followedFileSchema).default([]),
    /** The summary covers the lines that arrived in the last this many minutes. */
    windowMinutes: positiveInt.max(24 * 60, "expected at most 1440 (a day)").default(60),
    /** How often the summary is written. */
    reportEveryMs: positiveInt.min(1_000, "expected at least 1000 (1 s)").default(60_000),
    /** How many error types and error messages the summary lists. */
    top: positiveInt.max(100, "expected at most 100").default(10),
    /** How often followed files are checked for new lines and rotation. */
    pollIntervalMs: positiveInt.min(50, "expected at least 50").max(60_000).default(1_000),
  })
  .superRefine((value, ctx) => {
    const seen = new Map<string, number>();
    value.follow.forEach((file, i) => {
      const first = seen.get(file.path);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["follow", i, "path"],
          message: `${JSON.stringify(file.path)} is already followed (follow[${first}])`,
        });
      } else seen.set(file.path, i);
    });
  });

export type LogsConfig = z.output<typeof logsConfigSchema>;
