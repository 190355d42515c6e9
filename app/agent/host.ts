import type { BackupConfig } from "../backup/config";
import type { MonitoringConfig } from "../config/schema";
import { resolveHostName } from "../hosts/config";

export type Env = Record<string, string | undefined>;

/**
 * The backups section with its host settled: `backups.host` when set, else the name this machine
 * reports under everywhere else (`OPSDECK_HOST_NAME`, `hosts.name`, the OS host name). One name for
 * heartbeats, log reports and backups keeps everything an agent writes under the two prefixes its
 * instance role may write: `hosts/<host>.*` and `backups/<host>/`.
 */
export function backupsWithHost(
  config: Pick<MonitoringConfig, "hosts"> & { backups: BackupConfig },
  env: Env = process.env,
): BackupConfig & { host: string } {
  return { ...config.backups, host: config.backups.host ?? resolveHostName(config.hosts, env) };
}
