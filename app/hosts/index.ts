export * from "./config";
export {
  formatAge,
  type Heartbeat,
  HOSTS_PREFIX,
  type HostStatus,
  heartbeatKey,
  heartbeatSchema,
  readHosts,
  writeHeartbeat,
} from "./heartbeat";
