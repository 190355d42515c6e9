import { describe, expect, it } from "vitest";
import {
  backupConfigSchema,
  backupFreshness,
  backupStaleAfterMs,
  DEFAULT_STALE_AFTER_MS,
  readBackupStates,
  recordedFreshness,
  runBackupJob,
} from "../../../app/backup";
import { LocalStore } from "../../../app/storage";
import { useTempDirs } from "../../support/temp-dir";
import { writeTree } from "./helpers";

const HOUR = 3_600_000;
const now = new Date("2026-11-21T10:00:00.000Z");
const hoursAgo = (h: number) => new Date(now.getTime() - h * HOUR);
const tempDir = useTempDirs("opsdeck-backup-freshness");

describe("staleness threshold", () => {
  it.each([
    ["twice the interval", { intervalMinutes: 60 }, 2 * HOUR],
    ["twice a day for a daily `at` job", { at: "02:30" }, 48 * HOUR],
    ["twice the default (daily) period when neither is given", {}, 48 * HOUR],
    [
      "the configured staleAfterMinutes over the rule",
      { intervalMinutes: 60, staleAfterMinutes: 90 },
      1.5 * HOUR,
    ],
  ])("%s", (_, job, expected) => {
    expect(backupStaleAfterMs(job)).toBe(expected);
  });

  it("defaults to 48 h for a job whose schedule is unknown", () => {
    expect(DEFAULT_STALE_AFTER_MS).toBe(48 * HOUR);
  });
});

describe("backup freshness", () => {
  const staleAfterMs = 48 * HOUR;

  it.each([
    [
      "fresh: a success within the threshold",
      { lastSuccessAt: hoursAgo(47) },
      { stale: false, ageMs: 47 * HOUR },
    ],
    ["fresh: exactly at the threshold", { lastSuccessAt: hoursAgo(48) }, { stale: false, ageMs: 48 * HOUR }],
    [
      "stale: a success older than the threshold",
      { lastSuccessAt: hoursAgo(49) },
      { stale: true, ageMs: 49 * HOUR },
    ],
    [
      "ISO strings as the records hold them",
      { lastSuccessAt: hoursAgo(49).toISOString() },
      { stale: true, ageMs: 49 * HOUR },
    ],
    [
      "a success in the future (clock skew) is age 0",
      { lastSuccessAt: hoursAgo(-1) },
      { stale: false, ageMs: 0 },
    ],
    ["never succeeded, no reference time: stale", {}, { stale: true }],
    [
      "never succeeded, expected since within the threshold: not yet",
      { since: hoursAgo(47) },
      { stale: false },
    ],
    [
      "never succeeded, expected since longer than the threshold: stale",
      { since: hoursAgo(49) },
      { stale: true },
    ],
  ])("%s", (_, input, expected) => {
    expect(backupFreshness({ staleAfterMs, now, ...input })).toEqual(expected);
  });
});

describe("recordedFreshness (readers of the records: dashboard, /metrics, backup status)", () => {
  const now = new Date("2026-11-21T10:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

  it("judges a job by the threshold recorded with its last success", () => {
    expect(
      recordedFreshness({ lastSuccess: { completedAt: ago(13 * HOUR), staleAfterMs: 12 * HOUR } }, now),
    ).toEqual({ staleAfterMs: 12 * HOUR, stale: true, ageMs: 13 * HOUR });
  });

  it("uses the default threshold when none was recorded, and calls a job that never succeeded stale", () => {
    expect(recordedFreshness({ lastSuccess: { completedAt: ago(30 * HOUR) } }, now)).toEqual({
      staleAfterMs: DEFAULT_STALE_AFTER_MS,
      stale: false,
      ageMs: 30 * HOUR,
    });
    expect(recordedFreshness({}, now)).toEqual({ staleAfterMs: DEFAULT_STALE_AFTER_MS, stale: true });
  });
});

describe("runBackupJob", () => {
  it("records the job's threshold with its success, for readers without the agent's config", async () => {
    const store = new LocalStore(await tempDir());
    const root = await tempDir();
    await writeTree(root, { "a.conf": "a" });
    const config = backupConfigSchema.parse({
      host: "web01",
      jobs: [{ label: "etc", sources: [root], intervalMinutes: 360 }],
    });

    await runBackupJob({ store, config }, "etc");

    const [state] = await readBackupStates(store, "web01");
    expect(state?.lastSuccess?.staleAfterMs).toBe(12 * HOUR);
  });
});
