/**
 * The app config the stack hands to the deployed processes (the dashboard function, the agent on each
 * server, the Pods): the user's `opsdeck:app`, per-role overrides, and the fields only the stack can
 * fill (where the store is, which host this is). Validated with the app's own schema before any
 * resource exists, so a typo fails `pulumi up` instead of a cold start.
 */
import { backupConfigSchema } from "../../app/backup/config";
import { composeAppConfigSchema } from "../../app/config/schema";
import { issuesFromZod, type ValidationIssue } from "../../app/lib/validation";
import { logsConfigSchema } from "../../app/logs/config";
import { dashboardConfigSchema } from "../../dashboard/config";
import type { ServerRole } from "./server-roles";

/**
 * Every section a deployed process reads: monitoring, the agent's `logs` and `backups`, and the
 * dashboard's `dashboard`. One document for the whole deployment, validated once here.
 */
export const deployedAppConfigSchema = composeAppConfigSchema({
  dashboard: dashboardConfigSchema.prefault({}),
  backups: backupConfigSchema.prefault({}),
  logs: logsConfigSchema.prefault({}),
});

/** Sections only the dashboard reads: the agent's own schema has no place for them, so agents do not get them. */
const DASHBOARD_ONLY_SECTIONS = ["dashboard"];

/** The only secret the stack passes to the processes for notifiers; a notifier names it with `urlEnv`. */
export const WEBHOOK_ENV = "OPSDECK_ALERT_WEBHOOK_URL";

/** An app config as given (JSON-like), before defaults: what travels in OPSDECK_CONFIG. */
export type RawAppConfig = Record<string, unknown>;

export interface AppConfigInput {
  /** `opsdeck:app`: shared by the function, every agent and the Pods. */
  shared: RawAppConfig;
  /** `opsdeck:agent.roles.<role>`: sections that replace the shared ones on servers of that role. */
  roles: Partial<Record<ServerRole, RawAppConfig>>;
}

export interface S3StorageConfig {
  type: "s3";
  bucket: string;
  prefix: string;
  region?: string;
}

export type StorageConfig = S3StorageConfig | { type: "local"; dir: string };

/** Stands in for the bucket while validating: the real name exists only after `pulumi up`. */
const VALIDATION_STORAGE: S3StorageConfig = { type: "s3", bucket: "opsdeck-validation-bucket", prefix: "" };

/**
 * The stack's own storage: the backup bucket at its root, because the instance roles and the function's
 * role grant access by key prefix (`hosts/`, `backups/`, `checks/`, `state/`) from the bucket root.
 */
export function bucketStorage(bucket: string, region: string | undefined): S3StorageConfig {
  return region === undefined
    ? { type: "s3", bucket, prefix: "" }
    : { type: "s3", bucket, prefix: "", region };
}

/**
 * The config one process receives: the raw config with the stack's storage; for an agent (`host`), its
 * host name in heartbeats and backups, and without the dashboard-only sections.
 */
export function deployedAppConfig(
  raw: RawAppConfig,
  stack: { storage: StorageConfig; host?: string },
): RawAppConfig {
  const config: RawAppConfig = { ...raw, storage: stack.storage };
  if (stack.host !== undefined) {
    for (const section of DASHBOARD_ONLY_SECTIONS) delete config[section];
    config.hosts = { ...asRecord(raw.hosts), name: stack.host };
    config.backups = { ...asRecord(raw.backups), host: stack.host };
  }
  return config;
}

/** The config of the agents on servers of `role`: the shared sections, with the role's sections replacing them. */
export function roleAppConfig(input: AppConfigInput, role: ServerRole): RawAppConfig {
  return { ...input.shared, ...(input.roles[role] ?? {}) };
}

export interface AppConfigCheckInput extends AppConfigInput {
  /** Whether `opsdeck:alertWebhookUrl` is set, i.e. whether OPSDECK_ALERT_WEBHOOK_URL will exist. */
  webhookConfigured: boolean;
}

/**
 * Every problem in the app config, located as the user wrote it: `opsdeck:app.checks[2].timeoutMs` for
 * the shared config, `opsdeck:agent.roles.db.backups.jobs[0].sources` for a role's override.
 */
export function appConfigIssues(input: AppConfigCheckInput): ValidationIssue[] {
  const sharedIssues = configIssues(input.shared, input.webhookConfigured);
  const issues = sharedIssues.map((issue) => ({ ...issue, path: located("opsdeck:app", issue.path) }));
  const sharedKeys = new Set(sharedIssues.map((i) => `${i.path}\n${i.message}`));
  for (const role of Object.keys(input.roles) as ServerRole[]) {
    const sections = Object.keys(input.roles[role] ?? {});
    const inRoleSection = (path: string) =>
      sections.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
    // A problem the shared config already has is reported once, under opsdeck:app; the rest come from
    // the role's sections or from how they combine with the shared ones (a notifier the role dropped).
    for (const issue of configIssues(roleAppConfig(input, role), input.webhookConfigured)) {
      if (!inRoleSection(issue.path) && sharedKeys.has(`${issue.path}\n${issue.message}`)) continue;
      issues.push({ ...issue, path: located(`opsdeck:agent.roles.${role}`, issue.path) });
    }
  }
  return issues;
}

/** What `formatPath` calls an issue about the whole object (e.g. an unknown top-level key). */
const ROOT = "(root)";

function located(prefix: string, path: string): string {
  return path === ROOT ? prefix : `${prefix}.${path}`;
}

/** Issues with paths relative to the config object (`checks[2].timeoutMs`, or `(root)`). */
function configIssues(raw: RawAppConfig, webhookConfigured: boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if ("storage" in raw)
    issues.push({ path: "storage", message: "is set by the stack (the backup bucket); remove it" });
  if (asRecord(raw.hosts).name !== undefined)
    issues.push({ path: "hosts.name", message: "is set by the stack to each server's name; remove it" });
  if (asRecord(raw.backups).host !== undefined)
    issues.push({ path: "backups.host", message: "is set by the stack to each server's name; remove it" });
  issues.push(...notifierIssues(raw.notifiers, webhookConfigured));

  const result = deployedAppConfigSchema.safeParse({ ...raw, storage: VALIDATION_STORAGE });
  if (!result.success) issues.push(...issuesFromZod(result.error));
  return issues;
}

/** Webhook URLs are secrets: a notifier may only name the variable the stack fills from the secret config. */
function notifierIssues(notifiers: unknown, webhookConfigured: boolean): ValidationIssue[] {
  if (!Array.isArray(notifiers)) return [];
  return notifiers.flatMap((notifier, index): ValidationIssue[] => {
    const entry = asRecord(notifier);
    if (entry.url !== undefined)
      return [
        {
          path: `notifiers[${index}].url`,
          message: `is a secret: use urlEnv: ${WEBHOOK_ENV} and set it with pulumi config set --secret alertWebhookUrl <url>`,
        },
      ];
    if (entry.urlEnv === undefined) return [];
    if (entry.urlEnv !== WEBHOOK_ENV)
      return [
        {
          path: `notifiers[${index}].urlEnv`,
          message: `the stack provides only ${WEBHOOK_ENV} (from opsdeck:alertWebhookUrl)`,
        },
      ];
    if (!webhookConfigured)
      return [
        {
          path: `notifiers[${index}].urlEnv`,
          message: "needs opsdeck:alertWebhookUrl: pulumi config set --secret alertWebhookUrl <url>",
        },
      ];
    return [];
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
