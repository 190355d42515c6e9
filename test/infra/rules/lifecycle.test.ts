import { describe, expect, it } from "vitest";
import { ABORT_INCOMPLETE_MULTIPART_DAYS, lifecycleRules } from "../../../infra/rules/lifecycle";

const input = {
  archiveAfterDays: 30,
  archiveStorageClass: "GLACIER_IR",
  expireAfterDays: 365,
  noncurrentVersionExpireDays: 14,
};

describe("lifecycleRules", () => {
  it("moves backups/ to the archive class after N days and expires them after M", () => {
    const rule = lifecycleRules(input).find((r) => r.filter.prefix === "backups/");

    expect(rule).toMatchObject({
      status: "Enabled",
      transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
      expiration: { days: 365 },
    });
  });

  it("expires noncurrent versions across the whole bucket", () => {
    const rule = lifecycleRules(input).find((r) => r.noncurrentVersionExpiration !== undefined);

    expect(rule?.filter).toEqual({ prefix: "" });
    expect(rule?.noncurrentVersionExpiration).toEqual({ noncurrentDays: 14 });
  });

  it("aborts incomplete multipart uploads after 7 days across the whole bucket", () => {
    const rule = lifecycleRules(input).find((r) => r.abortIncompleteMultipartUpload !== undefined);

    expect(ABORT_INCOMPLETE_MULTIPART_DAYS).toBe(7);
    expect(rule?.filter).toEqual({ prefix: "" });
    expect(rule?.abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 7 });
  });

  it("removes expired delete markers in a rule of their own (S3 refuses them beside days)", () => {
    const rules = lifecycleRules(input);
    const markerRule = rules.find((r) => r.expiration?.expiredObjectDeleteMarker === true);

    expect(markerRule?.expiration).toEqual({ expiredObjectDeleteMarker: true });
    for (const rule of rules) {
      expect(rule.expiration?.days !== undefined && rule.expiration.expiredObjectDeleteMarker).toBeFalsy();
    }
  });

  it("gives every rule a unique id and enables it", () => {
    const rules = lifecycleRules(input);

    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.every((r) => r.status === "Enabled")).toBe(true);
  });
});
