export * from "./config";
export {
  handleShutdownSignals,
  Scheduler,
  type SchedulerOptions,
  type ShutdownOptions,
  type TaskSpec,
  type TaskStatus,
} from "./scheduler";
