import { z } from "zod";
import { COMPRESSOR_LEVELS, compressorNames } from "./compressor-levels";
import { hostProblem, labelProblem } from "./naming";

export { COMPRESSOR_LEVELS, type CompressorName, compressorNames } from "./compressor-levels";

/** `7`, or "unlimited" for one per period without a count (restic's `unlimited`). */
const keepCount = z.union([z.int().min(0), z.literal("unlimited")]);

/** restic-style retention; see retention.ts for the exact meaning. All counts default to 0 (off). */
export const retentionPolicySchema = z.strictObject({
  keepLast: keepCount.optional(),
  keepHourly: keepCount.optional(),
  keepDaily: keepCount.optional(),
  keepWeekly: keepCount.optional(),
  keepMonthly: keepCount.optional(),
  keepYearly: keepCount.optional(),
});

export const compressorSchema = z
  .strictObject({
    /**
     * gzip: built in (libdeflate in WebAssembly, parallel blocks). pigz / zstd: the external programs,
     * used when installed; when missing the backup falls back to built-in gzip and says so.
     */
    name: z.enum(compressorNames).default("gzip"),
    level: z.int().optional(),
    /** Compression threads; defaults to min(CPUs, 4) for gzip (this one included), the CPUs for pigz, 2 for zstd. */
    threads: z.int().min(1).max(64).optional(),
  })
  .superRefine((value, ctx) => {
    const range = COMPRESSOR_LEVELS[value.name];
    if (value.level !== undefined && (value.level < range.min || value.level > range.max)) {
      ctx.addIssue({
        code: "custom",
        path: ["level"],
        message: `expected ${range.min}-${range.max} for ${value.name}, got ${value.level}`,
      });
    }
  });

export type CompressorConfig = z.output<typeof compressorSchema>;

const globList = z.array(z.string().min(1)).default([]);

/** A time of day in UTC, `HH:MM`. */
const utcTimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
  error: "expected a UTC time of day as HH:MM, e.g. 02:30",
});

/** How often a job runs when the config says neither `intervalMinutes` nor `at`: daily. */
export const DEFAULT_JOB_INTERVAL_MINUTES = 24 * 60;

/** How often a job runs, in minutes: its interval (default daily), or a day for an `at` job. */
export function jobPeriodMinutes(job: {
  intervalMinutes?: number | undefined;
  at?: string | undefined;
}): number {
  return job.at !== undefined ? 24 * 60 : (job.intervalMinutes ?? DEFAULT_JOB_INTERVAL_MINUTES);
}

/** One thing to back up on a schedule: folders under a label. */
const backupJobObject = z.strictObject({
  /** Part of the archive name (`<stamp>-<label>.tar.gz`) and the retention group. */
  label: z.string().refine((l) => labelProblem(l) === undefined, {
    error: (issue) => labelProblem(String(issue.input)) ?? "invalid label",
  }),
  /** Folders (or files) to archive; stored under their absolute path without the leading `/`. */
  sources: z.array(z.string().min(1)).min(1),
  /** Globs over archive paths (`etc/nginx/**`); when set, only matching files are archived. */
  include: globList,
  /** Globs over archive paths; matching files and whole matching folders are left out. */
  exclude: globList,
  /** How often the agent runs this job (default daily), counted from the start of its last run. */
  intervalMinutes: z.int().min(5).optional(),
  /** Instead of an interval: run once a day at this UTC time (`02:30`). */
  at: utcTimeOfDay.optional(),
  /**
   * The job is stale (fleet view marker, agent alert) when its last success is older than this;
   * default twice its period (freshness.ts). Must be longer than the period.
   */
  staleAfterMinutes: z.int().min(5).optional(),
  /** Overrides the section's retention for this job. */
  retention: retentionPolicySchema.optional(),
});

export const backupJobSchema = backupJobObject
  .superRefine((job, ctx) => {
    if (job.at !== undefined && job.intervalMinutes !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["at"],
        message: "give either intervalMinutes or at (a daily UTC time), not both",
      });
    }
    const periodMinutes = jobPeriodMinutes(job);
    if (job.staleAfterMinutes !== undefined && job.staleAfterMinutes <= periodMinutes) {
      ctx.addIssue({
        code: "custom",
        path: ["staleAfterMinutes"],
        message: `must be longer than the job's period (${periodMinutes} min), or the job is stale before its next run is due`,
      });
    }
  })
  .transform((job) =>
    job.at === undefined
      ? { ...job, intervalMinutes: job.intervalMinutes ?? DEFAULT_JOB_INTERVAL_MINUTES }
      : job,
  );

export type BackupJobConfig = z.output<typeof backupJobSchema>;

/** The `backups` section of the app config. The store comes from the storage section. */
export const backupConfigSchema = z
  .strictObject({
    /** Name of this machine in backup keys; defaults to the OS host name. */
    host: z
      .string()
      .refine((h) => hostProblem(h) === undefined, {
        error: (issue) => hostProblem(String(issue.input)) ?? "invalid host",
      })
      .optional(),
    compressor: compressorSchema.prefault({}),
    /** Applied by `prune` to each host and label separately. */
    retention: retentionPolicySchema.default({ keepLast: 3, keepDaily: 7, keepWeekly: 4, keepMonthly: 6 }),
    /** Re-read and verify each archive right after creating it (doubles the read traffic). */
    verifyAfterCreate: z.boolean().default(false),
    /** Incomplete leftovers (an archive whose manifest never arrived) older than this are pruned. */
    incompleteGraceHours: z.int().min(1).default(24),
    jobs: z.array(backupJobSchema).default([]),
  })
  .superRefine((value, ctx) => {
    const seen = new Map<string, number>();
    value.jobs.forEach((job, i) => {
      const first = seen.get(job.label);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["jobs", i, "label"],
          message: `duplicate label ${JSON.stringify(job.label)} (also jobs[${first}])`,
        });
      } else seen.set(job.label, i);
    });
  });

export type BackupConfig = z.output<typeof backupConfigSchema>;
