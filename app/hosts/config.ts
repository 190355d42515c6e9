import { hostname } from "node:os";
import { z } from "zod";
import { hostName, positiveInt } from "../config/fields";
import { ValidationError } from "../lib/validation";

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

/**
 * The name this process reports under: `OPSDECK_HOST_NAME` (set per instance by the stack),
 * then `hosts.name` from the config, then the OS host name.
 */
export function resolveHostName(
  config: HostsConfig,
  env: Record<string, string | undefined> = process.env,
): string {
  const fromEnv = env.OPSDECK_HOST_NAME;
  if (fromEnv !== undefined && fromEnv !== "") {
    const parsed = hostName.safeParse(fromEnv);
    if (!parsed.success) {
      throw new ValidationError("environment", [
        { path: "OPSDECK_HOST_NAME", message: "expected a host name (letters, digits, dots and dashes)" },
      ]);
    }
    return parsed.data;
  }
  return config.name ?? defaultHostName();
}
