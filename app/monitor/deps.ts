import type { DnsResolver } from "../checks/dns-probe";
import type { CheckRunner } from "../checks/runner";
import type { Logger } from "../lib/logger";
import type { Notifier } from "../notify/notifiers";

/** The outside world the monitoring engine touches; every field has a production default. */
export interface MonitorDeps {
  fetch?: typeof fetch;
  now?: () => Date;
  createResolver?: (server?: string) => DnsResolver;
  logger?: Logger;
  /** Notifiers built from the config when not given. */
  notifiers?: readonly Notifier[];
  /** Keep one runner across rounds in long-lived processes (breakers and caches live in it). */
  runner?: CheckRunner;
}
