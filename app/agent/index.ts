/**
 * The long-running `opsdeck agent`: monitoring agent (metrics, heartbeats, host alerts), log follow
 * with a rolling error summary, scheduled backups with prune. See docs/cli.md.
 */
export {
  type BackupAlert,
  backupFailureAlert,
  raiseAlert,
  type StaleBackup,
  staleBackupAlert,
  staleBackupResolved,
  verifyFailureAlert,
} from "./backup-alert";
export { describeSchedule, type JobHistory, nextBackupAt, nextDailyTime } from "./backup-schedule";
export { BACKUP_TICK_MS, type BackupRunOutcome, backupTask } from "./backup-task";
export { backupsWithHost } from "./host";
export { logTasks } from "./log-follow";
export { buildLogReport, type LogReport, logReportKey, writeLogReport } from "./log-report";
export { RollingLogWindow, type WindowCounts } from "./log-window";
export { type AgentOptions, type AgentProcess, type OnceResult, runAgentOnce, startAgent } from "./start";
