import type { BackupListing, PruneResult, RestoreResult, VerifyResult } from "../../backup";
import { renderTable } from "../../logs/render";
import { formatAge, formatBytes, formatDuration } from "../units";
import type { BackupJobStatus } from "./backup";
import type { CreateOutcome } from "./backup-create";

/** Tables for `opsdeck backup …`; JSON output prints the library's records as they are. */

export function backupRecordsTable(outcomes: readonly CreateOutcome[]): string {
  return renderTable(
    ["label", "result", "backup", "size", "files", "time", "rate", "verified"],
    outcomes.map((o) =>
      o.ok
        ? [
            o.label,
            "ok",
            `${o.record.host}/${o.record.id}`,
            formatBytes(o.record.size),
            String(o.record.files),
            formatDuration(o.record.durationMs),
            `${formatBytes(o.record.bytesPerSecond)}/s`,
            o.verify ? (o.verify.ok ? "ok" : "FAILED") : "-",
          ]
        : [
            o.label,
            `FAILED while ${o.failure.phase}`,
            o.failure.id ?? "-",
            "-",
            "-",
            formatDuration(o.failure.durationMs),
            "-",
            "-",
          ],
    ),
    [3, 4, 5, 6],
  );
}

export function listingTable(backups: readonly BackupListing[]): string {
  return renderTable(
    ["host", "backup", "label", "time", "size", "state"],
    backups.map((b) => [
      b.host,
      b.id,
      b.label,
      b.time.toISOString(),
      b.archive ? formatBytes(b.archive.size) : "-",
      b.complete ? "complete" : b.archive ? "incomplete (no manifest)" : "incomplete (no archive)",
    ]),
    [4],
  );
}

export function verifyTable(results: readonly VerifyResult[]): string {
  const rows = results.map((r) => [
    `${r.host}/${r.id}`,
    r.ok ? "ok" : "FAILED",
    r.actual.size === undefined ? "-" : formatBytes(r.actual.size),
    r.actual.entries === undefined ? "-" : String(r.actual.entries),
    formatDuration(r.durationMs),
  ]);
  const problems = results.flatMap((r) => r.problems.map((p) => `  ${r.host}/${r.id}: ${p}`));
  const table = renderTable(["backup", "result", "size", "entries", "time"], rows, [2, 3, 4]);
  return problems.length === 0 ? table : `${table}\n\nPROBLEMS\n${problems.join("\n")}`;
}

export function restoreTable(result: RestoreResult): string {
  return renderTable(
    ["backup", "target", "entries", "bytes", "replaced", "time"],
    [
      [
        `${result.host}/${result.id}`,
        result.target,
        String(result.entries),
        formatBytes(result.bytes),
        String(result.replaced),
        formatDuration(result.durationMs),
      ],
    ],
    [2, 3, 4, 5],
  );
}

export function pruneTable(results: readonly PruneResult[]): string {
  const rows: string[][] = [];
  for (const result of results) {
    for (const group of result.groups) {
      for (const kept of group.keep) rows.push([`${group.host}/${kept.id}`, "keep", kept.reasons.join(", ")]);
      for (const removed of group.remove) {
        rows.push([`${group.host}/${removed.id}`, result.dryRun ? "would remove" : "removed", result.policy]);
      }
    }
    for (const leftover of result.incomplete) {
      rows.push([
        `${leftover.host}/${leftover.id}`,
        result.dryRun ? "would remove" : "removed",
        "incomplete leftover past the grace period",
      ]);
    }
  }
  return rows.length === 0 ? "nothing to prune" : renderTable(["backup", "action", "why"], rows);
}

export function statusTable(jobs: readonly BackupJobStatus[], now: Date): string {
  return renderTable(
    [
      "host",
      "label",
      "last success",
      "age",
      "size",
      "stale after",
      "freshness",
      "last failure",
      "last verify",
    ],
    jobs.map((j) => [
      j.host,
      j.label,
      j.lastSuccess ? j.lastSuccess.completedAt : "never",
      j.ageMs === undefined ? "-" : formatDuration(j.ageMs),
      j.lastSuccess ? formatBytes(j.lastSuccess.size) : "-",
      formatDuration(j.staleAfterMs),
      j.stale ? "STALE" : "ok",
      j.lastFailure ? `${formatAge(j.lastFailure.failedAt, now)}: ${j.lastFailure.error}` : "-",
      j.lastVerify ? `${j.lastVerify.ok ? "ok" : "FAILED"} ${formatAge(j.lastVerify.checkedAt, now)}` : "-",
    ]),
    [3, 4, 5],
  );
}
