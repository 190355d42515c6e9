import { randomBytes } from "node:crypto";

/**
 * Encrypted stack config cannot be read without the Pulumi CLI. Offline tools (the plan, `npm run
 * manifests`) validate the rest of the config with stand-ins that pass validation, are random per run,
 * and are never the real values; the plan redacts them wherever they would appear.
 */
export function secretStandIns(): { standIn(key: string): string; values(): string[] } {
  const made = new Map<string, string>();
  return {
    standIn(key) {
      let value = made.get(key);
      if (value === undefined) {
        const token = randomBytes(12).toString("hex");
        // A URL for the URL-shaped secrets, a long token otherwise: both pass infra/config.ts.
        value = /url$/i.test(key) ? `https://redacted-${token}.invalid/` : `redacted-${token}`;
        made.set(key, value);
      }
      return value;
    },
    values: () => [...made.values()],
  };
}
