import { ValidationError, type ValidationIssue } from "../lib/validation";
import type { NotifierConfig } from "../notify/config";

export type Env = Record<string, string | undefined>;

/**
 * Fills each webhook notifier's `url` from the environment variable its `urlEnv` names.
 * The value is checked like an inline URL, but never echoed in the error: it is a secret.
 */
export function resolveNotifierSecrets<C extends { notifiers: NotifierConfig[] }>(
  config: C,
  env: Env,
  source: string,
): C {
  const issues: ValidationIssue[] = [];
  const notifiers = config.notifiers.map((notifier, index) => {
    if (notifier.type === "log" || notifier.urlEnv === undefined) return notifier;
    const value = env[notifier.urlEnv];
    const path = `notifiers[${index}].urlEnv`;
    if (value === undefined || value === "") {
      issues.push({ path, message: `environment variable ${notifier.urlEnv} is not set` });
      return notifier;
    }
    if (!isHttpUrl(value)) {
      issues.push({ path, message: `environment variable ${notifier.urlEnv} does not hold an http(s) URL` });
      return notifier;
    }
    return { ...notifier, url: value };
  });
  if (issues.length > 0) throw new ValidationError(source, issues);
  return { ...config, notifiers };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
