import { mkdir, utimes, writeFile } from "node:fs/promises";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BackupListing, listBackups, pruneBackups } from "../../../app/backup";
import { archiveKey, backupName, manifestKey } from "../../../app/backup/naming";
import { applyRetention, type KeepCount, type RetentionPolicy } from "../../../app/backup/retention";
import { LocalStore } from "../../../app/storage";
import { useTempDirs } from "../../support/temp-dir";

/**
 * "prune never selects the newest", as properties over random backup sets and retention policies.
 * The seeds are fixed so a run is reproducible; a failure prints the shrunk counterexample.
 */

const tempDir = useTempDirs("opsdeck-prune-newest");

const FROM = Date.UTC(2024, 0, 1) / 1000;
const TO = Date.UTC(2026, 11, 31) / 1000;
/** Whole seconds, as backup names have; clustered sometimes, so hours and days hold several. */
const stamp = fc.oneof(fc.integer({ min: FROM, max: TO }), fc.integer({ min: TO - 3 * 86_400, max: TO }));
/** Mostly small counts, so policies remove a lot; now and then "unlimited". */
const count: fc.Arbitrary<KeepCount> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 8 },
  { arbitrary: fc.constant("unlimited" as const), weight: 1 },
);
const RULES = ["keepLast", "keepHourly", "keepDaily", "keepWeekly", "keepMonthly", "keepYearly"] as const;
/** Up to three rules with their counts; the empty policy (keep everything) included. */
const policy: fc.Arbitrary<RetentionPolicy> = fc
  .tuple(fc.subarray([...RULES], { maxLength: 3 }), fc.array(count, { minLength: 3, maxLength: 3 }))
  .map(([rules, counts]) => Object.fromEntries(rules.map((rule, i) => [rule, counts[i]])));

describe("applyRetention", () => {
  it("keeps a newest item and splits the rest between keep and remove, for any items and policy", () => {
    fc.assert(
      fc.property(fc.array(stamp, { minLength: 1, maxLength: 60 }), policy, (seconds, p) => {
        const items = seconds.map((s, i) => ({ i, time: new Date(s * 1000) }));
        const newest = Math.max(...seconds) * 1000;

        const decision = applyRetention(items, p);

        expect(decision.keep.some((k) => k.item.time.getTime() === newest)).toBe(true);
        const placed = [...decision.keep.map((k) => k.item.i), ...decision.remove.map((r) => r.i)];
        expect(placed.sort((a, b) => a - b)).toEqual(items.map((item) => item.i));
      }),
      { seed: 1421, numRuns: 500 },
    );
  });
});

/** How one generated backup is stored: complete, or one of the leftovers a failed run leaves. */
type Shape = "complete" | "no-manifest" | "no-archive" | "killed-mid-write";

const backupSet = fc.array(
  fc.record({
    host: fc.constantFrom("web01", "db01"),
    label: fc.constantFrom("etc", "www"),
    second: stamp,
    shape: fc.constantFrom<Shape>(
      "complete",
      "complete",
      "complete",
      "no-manifest",
      "no-archive",
      "killed-mid-write",
    ),
  }),
  { minLength: 1, maxLength: 40 },
);

type GeneratedBackup = typeof backupSet extends fc.Arbitrary<Array<infer T>> ? T : never;

/** A value one time in four, otherwise undefined (prune's host and label filters are optional). */
function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });
}

/** Lays the backups out as LocalStore files (prune reads key names only, so the bodies are placeholders). */
async function lay(root: string, backups: readonly GeneratedBackup[]): Promise<void> {
  for (const b of backups) {
    const name = backupName(b.host, b.label, new Date(b.second * 1000));
    const archive = path.join(root, archiveKey(name, "gzip"));
    await mkdir(path.dirname(archive), { recursive: true });
    if (b.shape === "killed-mid-write") {
      const temp = path.join(path.dirname(archive), `.${path.basename(archive)}.tmp-0123456789ab`);
      await writeFile(temp, "half");
      await utimes(temp, new Date(b.second * 1000), new Date(b.second * 1000));
      continue;
    }
    if (b.shape !== "no-archive") await writeFile(archive, "archive");
    if (b.shape !== "no-manifest") await writeFile(path.join(root, manifestKey(name)), "{}");
  }
}

/** The newest complete backup of each host/label, as `host/id`. */
function newestComplete(listed: readonly BackupListing[]): Map<string, string> {
  const newest = new Map<string, BackupListing>();
  for (const b of listed) {
    const group = `${b.host}/${b.label}`;
    const current = newest.get(group);
    if (b.complete && (!current || b.time > current.time)) newest.set(group, b);
  }
  return new Map([...newest].map(([group, b]) => [group, `${b.host}/${b.id}`]));
}

describe("pruneBackups", () => {
  it("never deletes the newest complete backup of a host and label, whatever the backups and policy", async () => {
    await fc.assert(
      fc.asyncProperty(
        backupSet,
        policy,
        sometimes(fc.constantFrom("web01", "db01")),
        sometimes(fc.constantFrom("etc", "www")),
        fc.integer({ min: 0, max: 4 * 365 * 86_400_000 }),
        async (backups, p, host, label, graceMs) => {
          const root = await tempDir();
          await lay(root, backups);
          const store = new LocalStore(root);
          const before = newestComplete(await listBackups(store));

          const result = await pruneBackups({
            store,
            policy: p,
            ...(host ? { host } : {}),
            ...(label ? { label } : {}),
            incompleteGraceMs: graceMs,
            now: () => new Date(TO * 1000 + 86_400_000),
          });

          const removed = result.groups.flatMap((g) => g.remove.map((r) => `${r.host}/${r.id}`));
          const after = newestComplete(await listBackups(store));
          for (const [group, newest] of before) {
            expect(removed).not.toContain(newest);
            expect(after.get(group)).toBe(newest);
          }
        },
      ),
      { seed: 2611, numRuns: 60 },
    );
  });
});
