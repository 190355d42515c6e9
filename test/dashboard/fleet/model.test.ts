import { describe, expect, it } from "vitest";
import { backupSummary } from "../../../dashboard/fleet/model";

const NOW = Date.parse("2026-11-21T10:00:00.000Z");
const HOUR = 3_600_000;

describe("backup summary for the fleet view", () => {
  it("keeps every job, so a fresh job does not hide a stale one", () => {
    const summary = backupSummary(
      {
        jobs: [
          {
            label: "etc",
            lastSuccess: { completedAt: "2026-11-18T06:00:00.000Z", size: 100 },
            lastVerify: { checkedAt: "2026-11-18T07:00:00.000Z", ok: true },
          },
          {
            label: "db",
            lastSuccess: { completedAt: "2026-11-21T08:00:00.000Z", size: 900, staleAfterMs: 12 * HOUR },
            lastVerify: { checkedAt: "2026-11-21T09:00:00.000Z", ok: false, problems: ["sha256 mismatch"] },
          },
        ],
      },
      NOW,
    );

    expect(summary).toEqual({
      jobs: [
        {
          label: "db",
          lastSuccessAt: "2026-11-21T08:00:00.000Z",
          ageMs: 2 * HOUR,
          sizeBytes: 900,
          staleAfterMs: 12 * HOUR,
          stale: false,
          verify: { ok: false, checkedAt: "2026-11-21T09:00:00.000Z", problems: ["sha256 mismatch"] },
        },
        {
          label: "etc",
          lastSuccessAt: "2026-11-18T06:00:00.000Z",
          ageMs: 76 * HOUR,
          sizeBytes: 100,
          staleAfterMs: 48 * HOUR, // none recorded: the default
          stale: true,
          verify: { ok: true, checkedAt: "2026-11-18T07:00:00.000Z", problems: [] },
        },
      ],
      stale: ["etc"],
    });
  });

  it("judges each job against the threshold recorded with its last success", () => {
    const summary = backupSummary(
      {
        jobs: [
          {
            label: "hourly",
            lastSuccess: { completedAt: "2026-11-21T07:00:00.000Z", size: 1, staleAfterMs: 2 * HOUR },
          },
          {
            label: "daily",
            lastSuccess: { completedAt: "2026-11-20T07:00:00.000Z", size: 1, staleAfterMs: 48 * HOUR },
          },
        ],
      },
      NOW,
    );

    expect(summary.stale).toEqual(["hourly"]);
  });

  it("reports a job's failure only when it is newer than that job's last success", () => {
    const summary = backupSummary(
      {
        jobs: [
          {
            label: "etc",
            lastSuccess: { completedAt: "2026-11-21T08:00:00.000Z", size: 1 },
            lastFailure: { failedAt: "2026-11-20T08:00:00.000Z", error: "disk full" },
          },
          { label: "www", lastFailure: { failedAt: "2026-11-21T09:00:00.000Z", error: "disk full" } },
        ],
      },
      NOW,
    );

    expect(summary.jobs[0]).not.toHaveProperty("failure");
    // Never succeeded: stale, with its failure.
    expect(summary.jobs[1]).toEqual({
      label: "www",
      staleAfterMs: 48 * HOUR,
      stale: true,
      failure: { at: "2026-11-21T09:00:00.000Z", error: "disk full" },
    });
    expect(summary.stale).toEqual(["www"]);
  });
});
