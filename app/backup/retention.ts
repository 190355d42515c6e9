/**
 * Which backups a retention policy keeps: restic's `forget` semantics, as a pure function.
 *
 * - keepLast n: the n most recent backups.
 * - keepHourly/Daily/Weekly/Monthly/Yearly n: for the last n hours/days/ISO weeks/months/years that
 *   have one or more backups, the most recent backup of each.
 * - Policies are evaluated independently and a backup is kept if any policy keeps it; a backup kept by
 *   several policies counts against each of them.
 * - "unlimited" keeps one per period (or every backup, for keepLast) without a count.
 * - When a policy still has count left after the oldest backup's period was already covered, the oldest
 *   backup is kept as well, which maximises the history kept (restic ≥ 0.17).
 * - An empty policy keeps everything (restic refuses to forget without a policy).
 *
 * Periods are computed in UTC (backup names are UTC), not in the host's local time zone as restic does.
 * The newest backup is always kept.
 */

export type KeepCount = number | "unlimited";

export interface RetentionPolicy {
  keepLast?: KeepCount;
  keepHourly?: KeepCount;
  keepDaily?: KeepCount;
  keepWeekly?: KeepCount;
  keepMonthly?: KeepCount;
  keepYearly?: KeepCount;
}

export interface Kept<T> {
  item: T;
  /** Why it stays: "last", "daily 2026-11-21", "oldest monthly 2026-10", "newest", "no policy". */
  reasons: string[];
}

export interface RetentionDecision<T> {
  /** Newest first. */
  keep: Kept<T>[];
  /** Newest first. */
  remove: T[];
}

type Bucketer = (time: Date, index: number) => string;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** ISO 8601 week of a UTC date as `YYYY-Www` (the week-year can differ from the calendar year). */
export function isoWeek(time: Date): string {
  const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday = 0
  day.setUTCDate(day.getUTCDate() - weekday + 3); // the Thursday of this week decides its year
  const weekYear = day.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(weekYear, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((day.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return `${weekYear}-W${pad(week)}`;
}

const ymd = (t: Date) => `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;

const RULES: ReadonlyArray<{ field: keyof RetentionPolicy; reason: string; bucket: Bucketer }> = [
  { field: "keepLast", reason: "last", bucket: (_t, index) => `#${index}` },
  { field: "keepHourly", reason: "hourly", bucket: (t) => `${ymd(t)}T${pad(t.getUTCHours())}` },
  { field: "keepDaily", reason: "daily", bucket: ymd },
  { field: "keepWeekly", reason: "weekly", bucket: isoWeek },
  {
    field: "keepMonthly",
    reason: "monthly",
    bucket: (t) => `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}`,
  },
  { field: "keepYearly", reason: "yearly", bucket: (t) => String(t.getUTCFullYear()) },
];

function countOf(value: KeepCount | undefined): number {
  if (value === "unlimited") return Number.POSITIVE_INFINITY;
  return value ?? 0;
}

export function isEmptyPolicy(policy: RetentionPolicy): boolean {
  return RULES.every((rule) => countOf(policy[rule.field]) === 0);
}

/** Describes a policy for dry-run output: "keep 7 daily, 4 weekly, all monthly". */
export function describePolicy(policy: RetentionPolicy): string {
  const parts = RULES.flatMap((rule) => {
    const value = policy[rule.field];
    if (value === "unlimited") return [`all ${rule.reason}`];
    return value ? [`${value} ${rule.reason}`] : [];
  });
  return parts.length === 0 ? "keep everything (no policy)" : `keep ${parts.join(", ")}`;
}

/** Splits `items` into kept and removed according to `policy`. Does not mutate `items`. */
export function applyRetention<T extends { time: Date }>(
  items: readonly T[],
  policy: RetentionPolicy,
): RetentionDecision<T> {
  const sorted = [...items].sort((a, b) => b.time.getTime() - a.time.getTime());
  if (isEmptyPolicy(policy)) {
    return { keep: sorted.map((item) => ({ item, reasons: ["no policy"] })), remove: [] };
  }
  const state = RULES.map((rule) => ({
    rule,
    left: countOf(policy[rule.field]),
    last: undefined as string | undefined,
  }));
  const keep: Kept<T>[] = [];
  const remove: T[] = [];
  sorted.forEach((item, index) => {
    const reasons: string[] = [];
    const oldest = index === sorted.length - 1;
    for (const s of state) {
      if (s.left <= 0) continue;
      const bucket = s.rule.bucket(item.time, index);
      if (bucket !== s.last || oldest) {
        const label = s.rule.field === "keepLast" ? s.rule.reason : `${s.rule.reason} ${bucket}`;
        reasons.push(bucket === s.last ? `oldest ${label}` : label);
        s.last = bucket;
        s.left -= 1;
      }
    }
    // Every non-empty policy keeps the newest already; this makes the guarantee explicit.
    if (index === 0 && reasons.length === 0) reasons.push("newest");
    if (reasons.length > 0) keep.push({ item, reasons });
    else remove.push(item);
  });
  return { keep, remove };
}
