import { z } from "zod";
import { parseOrThrow } from "../lib/validation";
import type { Store } from "../storage";
import { assertHost, assertLabel } from "./naming";

/**
 * The last outcome of each backup job, for the dashboard and /metrics (backup freshness):
 *
 *   state/backups/<host>/<label>/last-success.json
 *   state/backups/<host>/<label>/last-failure.json
 *   state/backups/<host>/<label>/last-verify.json
 *
 * One object per kind of outcome, each written whole, so a create and a verify finishing at the same
 * moment never overwrite each other's record (S3 has no read-modify-write protection).
 */
export const STATE_ROOT = "state/backups/";

export const successStateSchema = z.strictObject({
  host: z.string(),
  label: z.string(),
  id: z.string(),
  key: z.string(),
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  durationMs: z.int().min(0),
  /** Stored (compressed) bytes. */
  size: z.int().min(0),
  sha256: z.string(),
  files: z.int().min(0),
  /** Uncompressed file bytes. */
  bytes: z.int().min(0),
  compressor: z.string(),
});

export const failureStateSchema = z.strictObject({
  host: z.string(),
  label: z.string(),
  id: z.string().optional(),
  startedAt: z.iso.datetime(),
  failedAt: z.iso.datetime(),
  /** Where it failed: preparing, archiving, writing-manifest. */
  phase: z.string(),
  error: z.string(),
});

export const verifyStateSchema = z.strictObject({
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

const KINDS = {
  "last-success": successStateSchema,
  "last-failure": failureStateSchema,
  "last-verify": verifyStateSchema,
} as const;
type Kind = keyof typeof KINDS;

/** Everything known about one backup job of one host. */
export interface BackupJobState {
  host: string;
  label: string;
  lastSuccess?: BackupSuccessState;
  lastFailure?: BackupFailureState;
  lastVerify?: BackupVerifyState;
}

function stateKey(host: string, label: string, kind: Kind): string {
  assertHost(host);
  assertLabel(label);
  return `${STATE_ROOT}${host}/${label}/${kind}.json`;
}

async function write(store: Store, kind: Kind, record: { host: string; label: string }): Promise<void> {
  await store.put(stateKey(record.host, record.label, kind), `${JSON.stringify(record)}\n`, {
    contentType: "application/json",
  });
}

export const recordSuccess = (store: Store, record: BackupSuccessState) =>
  write(store, "last-success", record);
export const recordFailure = (store: Store, record: BackupFailureState) =>
  write(store, "last-failure", record);
export const recordVerify = (store: Store, record: BackupVerifyState) => write(store, "last-verify", record);

/** Reads the state of every job (of one host, or of all). Malformed records throw ValidationError. */
export async function readBackupStates(store: Store, host?: string): Promise<BackupJobState[]> {
  const prefix = host === undefined ? STATE_ROOT : `${STATE_ROOT}${host}/`;
  if (host !== undefined) assertHost(host);
  const jobs = new Map<string, BackupJobState>();
  for await (const object of store.list(prefix)) {
    const match = /^state\/backups\/([^/]+)\/([^/]+)\/(last-success|last-failure|last-verify)\.json$/.exec(
      object.key,
    );
    if (!match) continue;
    const [, h, label, kind] = match as unknown as [string, string, string, Kind];
    const body = await store.get(object.key);
    if (!body) continue; // deleted between list and get
    const job = jobs.get(`${h}/${label}`) ?? { host: h, label };
    jobs.set(`${h}/${label}`, job);
    const source = `backup state ${object.key}`;
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      json = undefined;
    }
    if (kind === "last-success") job.lastSuccess = parseOrThrow(successStateSchema, json, source);
    else if (kind === "last-failure") job.lastFailure = parseOrThrow(failureStateSchema, json, source);
    else job.lastVerify = parseOrThrow(verifyStateSchema, json, source);
  }
  return [...jobs.values()].sort((a, b) => `${a.host}/${a.label}`.localeCompare(`${b.host}/${b.label}`));
}
