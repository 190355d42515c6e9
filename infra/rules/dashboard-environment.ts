import type { RawAppConfig } from "./app-config";

/** Lambda refuses a function whose environment variables (names and values) exceed 4 KB in total. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

export interface DashboardEnvironmentInput {
  /** The deployed app config (storage included). */
  appConfig: RawAppConfig;
  logLevel: string;
  dashboardToken?: string;
  alertWebhookUrl?: string;
}

/**
 * The dashboard function's environment, per docs/RUNTIME.md: the whole app config as JSON, and the
 * secrets as their own variables (the config only names them), present only when configured.
 */
export function dashboardEnvironment(input: DashboardEnvironmentInput): Record<string, string> {
  const variables: Record<string, string> = {
    OPSDECK_CONFIG: JSON.stringify(input.appConfig),
    OPSDECK_LOG_LEVEL: input.logLevel,
  };
  if (input.dashboardToken !== undefined) variables.OPSDECK_DASHBOARD_TOKEN = input.dashboardToken;
  if (input.alertWebhookUrl !== undefined) variables.OPSDECK_ALERT_WEBHOOK_URL = input.alertWebhookUrl;
  return variables;
}

/** How much of Lambda's 4 KB the variables take, counted as AWS does: names plus values, in bytes. */
export function environmentSize(variables: Record<string, string>): number {
  return Object.entries(variables).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
}
