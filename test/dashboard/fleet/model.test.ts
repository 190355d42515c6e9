import { describe, expect, it } from "vitest";
import { backupSummary } from "../../../dashboard/fleet/model";

const NOW = Date.parse("2026-11-21T10:00:00.000Z");

describe("backup summary for the fleet view", () => {
  it("takes the newest success and the newest verification across jobs", () => {
    const summary = backupSummary(
      {
        jobs: [
          {
            label: "etc",
            lastSuccess: { completedAt: "2026-11-21T06:00:00.000Z", size: 100 },
            lastVerify: { checkedAt: "2026-11-21T07:00:00.000Z", ok: true },
          },
          {
            label: "db",
            lastSuccess: { completedAt: "2026-11-21T08:00:00.000Z", size: 900 },
            lastVerify: { checkedAt: "2026-11-21T09:00:00.000Z", ok: false, problems: ["sha256 mismatch"] },
          },
        ],
      },
      NOW,
    );

    expect(summary).toEqual({
      jobs: 2,
      lastSuccessAt: "2026-11-21T08:00:00.000Z",
      ageMs: 2 * 3_600_000,
      sizeBytes: 900,
      verify: { ok: false, checkedAt: "2026-11-21T09:00:00.000Z", problems: ["sha256 mismatch"] },
    });
  });

  it("reports a failure only when it is newer than every success", () => {
    const older = backupSummary(
      {
        jobs: [
          {
            label: "etc",
            lastSuccess: { completedAt: "2026-11-21T08:00:00.000Z", size: 1 },
            lastFailure: { failedAt: "2026-11-20T08:00:00.000Z", error: "disk full" },
          },
        ],
      },
      NOW,
    );
    const newer = backupSummary(
      { jobs: [{ label: "etc", lastFailure: { failedAt: "2026-11-21T09:00:00.000Z", error: "disk full" } }] },
      NOW,
    );

    expect(older).not.toHaveProperty("failure");
    expect(newer).toEqual({ jobs: 1, failure: { at: "2026-11-21T09:00:00.000Z", error: "disk full" } });
  });
});
