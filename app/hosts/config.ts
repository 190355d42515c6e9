import { hostname } from "node:os";
import { z } from "zod";
import { hostName, positiveInt } from "../config/fields";

export const hostsConfigSchema = z.strictObject({
  /** This machine's name in `hosts/<name>.json`; defaults to the OS host name. */
  name: hostName.optional(),
  /** A host whose last heartbeat is older than this counts as down. */
  staleAfterMs: positiveInt.default(180_000),
});

export type HostsConfig = z.output<typeof hostsConfigSchema>;

/** The OS host name cut down to what a store key allows. */
export function defaultHostName(): string {
  const cleaned = hostname()
    .replace(/[^A-Za-z0-9.-]/g, "-")
    .replace(/^[.-]+/, "");
  return cleaned === "" ? "localhost" : cleaned.slice(0, 253);
}

export function resolveHostName(config: HostsConfig): string {
  return config.name ?? defaultHostName();
}
