export * from "./config";
export { createDnsResolver, type DnsResolver, normaliseAnswers } from "./dns-probe";
export { statusMatches } from "./http-conditions";
export * from "./result";
export {
  CheckRunner,
  type CheckRunnerDeps,
  type RoundRun,
  type RunOptions,
  runChecksOnce,
  targetOf,
} from "./runner";
export { statusFromIndicator } from "./statuspage-probe";
