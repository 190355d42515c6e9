import { parseOrThrow, ValidationError } from "../lib/validation";
import "../lib/zod-messages";
import * as z from "zod/mini";
import type { Store } from "../storage";
import { describeError } from "./errors";
import { assertHost, assertLabel } from "./naming";

/**
 * The last outcome of each backup job, for the dashboard and /metrics (backup freshness). It lives
 * under `hosts/<host>.*` because that (with `backups/<host>/`) is all an instance role may write:
 *
 *   hosts/<host>.backup-<label>-last-success.json   one object per job and kind of outcome
 *   hosts/<host>.backup-<label>-last-failure.json
 *   hosts/<host>.backup-<label>-last-verify.json
 *   hosts/<host>.backup.json                        summary of every job, rebuilt after each record
 *
 * One object per kind of outcome, each written whole, so a create and a verify finishing at the same
 * moment never overwrite each other's record (S3 has no read-modify-write protection). The summary is
 * derived from those records: two writers racing can leave it one outcome behind until the next
 * record rebuilds it, never lose a record. A label has no dots, so `.backup-` splits a key
 * unambiguously even for host names with dots.
 */
const HOSTS_PREFIX = "hosts/";
const KIND_NAMES = ["last-success", "last-failure", "last-verify"] as const;
type Kind = (typeof KIND_NAMES)[number];

// Records are read leniently (unknown fields ignored), so a newer agent's records with additive
// fields never make an older dashboard or CLI refuse a host's backup state.
export const successStateSchema = z.object({
  host: z.string(),
  label: z.string(),
  id: z.string(),
  key: z.string(),
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  durationMs: z.int().check(z.minimum(0)),
  /** Stored (compressed) bytes. */
  size: z.int().check(z.minimum(0)),
  sha256: z.string(),
  files: z.int().check(z.minimum(0)),
  /** Uncompressed file bytes. */
  bytes: z.int().check(z.minimum(0)),
  compressor: z.string(),
  /**
   * The job's staleness threshold when the backup ran (freshness.ts), so the dashboard can judge
   * freshness without the agent's config; absent for a backup that was not a configured job.
   */
  staleAfterMs: z.optional(z.int().check(z.minimum(1))),
});

export const failureStateSchema = z.object({
  host: z.string(),
  label: z.string(),
  id: z.optional(z.string()),
  startedAt: z.iso.datetime(),
  failedAt: z.iso.datetime(),
  /** Where it failed: preparing, archiving, writing-manifest. */
  phase: z.string(),
  error: z.string(),
});

export const verifyStateSchema = z.object({
  host: z.string(),
  label: z.string(),
  id: z.string(),
  key: z.string(),
  checkedAt: z.iso.datetime(),
  ok: z.boolean(),
  /** The first problems found (at most 20). */
  problems: z.array(z.string()),
});

export type BackupSuccessState = z.output<typeof successStateSchema>;
export type BackupFailureState = z.output<typeof failureStateSchema>;
export type BackupVerifyState = z.output<typeof verifyStateSchema>;

/** Everything known about one backup job of one host. */
export interface BackupJobState {
  host: string;
  label: string;
  lastSuccess?: BackupSuccessState;
  lastFailure?: BackupFailureState;
  lastVerify?: BackupVerifyState;
}

/** `hosts/<host>.backup.json`: what the dashboard reads to show backup age and verify results. */
export interface BackupSummary {
  version: 1;
  host: string;
  updatedAt: string;
  /** Every job of the host that has a record, by label. */
  jobs: Omit<BackupJobState, "host">[];
  /** Records that exist but could not be read (the job is listed without them). */
  problems: string[];
}

export function backupStateKey(host: string, label: string, kind: Kind): string {
  assertHost(host);
  assertLabel(label);
  return `${HOSTS_PREFIX}${host}.backup-${label}-${kind}.json`;
}

export function backupSummaryKey(host: string): string {
  assertHost(host);
  return `${HOSTS_PREFIX}${host}.backup.json`;
}

const RECORD_KEY =
  /^hosts\/(.+)\.backup-([A-Za-z0-9][A-Za-z0-9_-]*)-(last-success|last-failure|last-verify)\.json$/;

async function write(
  store: Store,
  kind: Kind,
  record: { host: string; label: string },
  now: Date,
): Promise<void> {
  await store.put(backupStateKey(record.host, record.label, kind), `${JSON.stringify(record)}\n`, {
    contentType: "application/json",
  });
  await refreshBackupSummary(store, record.host, now);
}

export const recordSuccess = (store: Store, record: BackupSuccessState, now = new Date()) =>
  write(store, "last-success", record, now);
export const recordFailure = (store: Store, record: BackupFailureState, now = new Date()) =>
  write(store, "last-failure", record, now);
export const recordVerify = (store: Store, record: BackupVerifyState, now = new Date()) =>
  write(store, "last-verify", record, now);

export interface ReadBackupStatesOptions {
  /** Skip a malformed record and report it here, instead of throwing ValidationError. */
  onInvalid?: (key: string, error: Error) => void;
}

/**
 * Reads the state of every job (of one host, or of all hosts), sorted by host and label. A malformed
 * record throws ValidationError naming its key, unless `onInvalid` takes it.
 */
export async function readBackupStates(
  store: Store,
  host?: string,
  options: ReadBackupStatesOptions = {},
): Promise<BackupJobState[]> {
  if (host !== undefined) assertHost(host);
  const prefix = host === undefined ? HOSTS_PREFIX : `${HOSTS_PREFIX}${host}.backup-`;
  const jobs = new Map<string, BackupJobState>();
  for await (const object of store.list(prefix)) {
    const match = RECORD_KEY.exec(object.key);
    if (!match) continue;
    const [, h, label, kind] = match as unknown as [string, string, string, Kind];
    // Listing `hosts/web01.backup-` also returns a host named `web01.backup-x`'s records.
    if (host !== undefined && h !== host) continue;
    const body = await store.get(object.key);
    if (!body) continue; // deleted between list and get
    try {
      const job = jobs.get(`${h}/${label}`) ?? { host: h, label };
      applyRecord(job, kind, body, object.key);
      jobs.set(`${h}/${label}`, job);
    } catch (error) {
      if (!options.onInvalid) throw error;
      options.onInvalid(object.key, error as Error);
      if (!jobs.has(`${h}/${label}`)) jobs.set(`${h}/${label}`, { host: h, label });
    }
  }
  return [...jobs.values()].sort((a, b) => `${a.host}/${a.label}`.localeCompare(`${b.host}/${b.label}`));
}

function applyRecord(job: BackupJobState, kind: Kind, body: Buffer, key: string): void {
  const source = `backup state ${key}`;
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ValidationError(source, [{ path: "(file)", message: "is not valid JSON" }]);
  }
  if (kind === "last-success") job.lastSuccess = parseOrThrow(successStateSchema, json, source);
  else if (kind === "last-failure") job.lastFailure = parseOrThrow(failureStateSchema, json, source);
  else job.lastVerify = parseOrThrow(verifyStateSchema, json, source);
}

/** Rebuilds `hosts/<host>.backup.json` from the host's records; unreadable records are listed, not fatal. */
export async function refreshBackupSummary(
  store: Store,
  host: string,
  now: Date = new Date(),
): Promise<BackupSummary> {
  const problems: string[] = [];
  const jobs = await readBackupStates(store, host, {
    onInvalid: (key, error) => problems.push(`${key}: ${describeError(error).split("\n").join(" ")}`),
  });
  const summary: BackupSummary = {
    version: 1,
    host,
    updatedAt: now.toISOString(),
    jobs: jobs.map(({ host: _host, ...job }) => job),
    problems,
  };
  await store.put(backupSummaryKey(host), `${JSON.stringify(summary)}\n`, {
    contentType: "application/json",
  });
  return summary;
}
