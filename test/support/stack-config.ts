import { ValidationError } from "../../app/lib/validation";
import { type ConfigSource, loadConfig } from "../../infra/config";

/** A config source over plain values; objects are stored as JSON text, as Pulumi stores them. */
export function configSource(values: Record<string, unknown>, secretKeys: string[] = []): ConfigSource {
  return {
    project: "opsdeck",
    stack: "dev",
    get: (key) => {
      const value = values[key];
      return value === undefined || typeof value === "string" ? value : JSON.stringify(value);
    },
    isSecret: (key) => secretKeys.includes(key),
  };
}

/** The issues of the ValidationError loadConfig throws for these values, as `path: message` lines. */
export function configIssues(values: Record<string, unknown>, secretKeys: string[] = []): string[] {
  try {
    loadConfig(configSource(values, secretKeys));
  } catch (error) {
    if (error instanceof ValidationError)
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error("expected the config to be rejected");
}
