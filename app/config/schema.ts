import { z } from "zod";
import { alertRulesSchema, maintenanceWindowSchema } from "../alerts/config";
import { backupConfigSchema } from "../backup/config";
import { checkDefaultsSchema, checksSchema } from "../checks/config";
import { historyConfigSchema } from "../history/config";
import { hostsConfigSchema } from "../hosts/config";
import { logsConfigSchema } from "../logs/config";
import { metricsConfigSchema, thresholdsSchema } from "../metrics/config";
import { notifiersSchema } from "../notify/config";
import { scheduleConfigSchema } from "../scheduler/config";
import { defaultStorageConfig, storageConfigSchema } from "../storage/config";

/**
 * The app config is one object built from per-section schemas, each owned by the module that uses
 * it. A process adds its own sections (`dashboard`) with `composeAppConfigSchema({ … })` instead of
 * editing these. Every section has defaults, so an empty file is a valid config.
 */
export const monitoringSections = {
  storage: storageConfigSchema.default(defaultStorageConfig),
  schedule: scheduleConfigSchema.prefault({}),
  checkDefaults: checkDefaultsSchema.prefault({}),
  checks: checksSchema.default([]),
  alerts: alertRulesSchema.prefault({}),
  notifiers: notifiersSchema.default([]),
  maintenance: z.array(maintenanceWindowSchema).default([]),
  thresholds: thresholdsSchema.prefault({}),
  metrics: metricsConfigSchema.prefault({}),
  hosts: hostsConfigSchema.prefault({}),
  history: historyConfigSchema.prefault({}),
};

const monitoringObject = z.strictObject(monitoringSections);
/** The sections the monitoring engine reads; any composed app config satisfies it. */
export type MonitoringConfig = z.output<typeof monitoringObject>;

/** References between sections: names used must be defined. */
function checkReferences(config: MonitoringConfig, ctx: z.RefinementCtx): void {
  const notifierNames = new Set(config.notifiers.map((n) => n.name));
  const checkIds = new Set(config.checks.map((c) => c.id));
  const unknownNotifiers = (names: string[], path: PropertyKey[]) => {
    names.forEach((name, i) => {
      if (!notifierNames.has(name))
        ctx.addIssue({ code: "custom", path: [...path, i], message: `no notifier named "${name}"` });
    });
  };
  unknownNotifiers(config.alerts.notifiers, ["alerts", "notifiers"]);
  config.checks.forEach((check, c) => {
    unknownNotifiers(check.alerts?.notifiers ?? [], ["checks", c, "alerts", "notifiers"]);
  });
  const latencyTargets = new Set(config.metrics.latency.targets.map((t) => t.name));
  for (const name of Object.keys(config.thresholds.latency.targets)) {
    if (!latencyTargets.has(name))
      ctx.addIssue({
        code: "custom",
        path: ["thresholds", "latency", "targets", name],
        message: `no metrics.latency target named "${name}"`,
      });
  }
  config.maintenance.forEach((window, w) => {
    window.checks.forEach((id, i) => {
      if (!checkIds.has(id))
        ctx.addIssue({
          code: "custom",
          path: ["maintenance", w, "checks", i],
          message: `no check with id "${id}"`,
        });
    });
  });
}

/**
 * The agent's sections (`logs`: files to follow; `backups`: jobs and retention). Every composed schema
 * carries them, so one document serves the dashboard, the CLI and the agent: a process that does not
 * use a section still accepts it instead of rejecting it as an unknown key.
 */
export const agentSections = {
  logs: logsConfigSchema,
  backups: backupConfigSchema,
};

/** An extra section as composed: absent in the document means parsed from `{}` (its defaults). */
type Composed<Extra extends z.ZodRawShape> = { [K in keyof Extra]: z.ZodPrefault<Extra[K]> };

/**
 * The app config schema: the monitoring sections, the agent's sections (`logs`, `backups`) and extra
 * top-level sections of one process: `composeAppConfigSchema({ dashboard: dashboardConfigSchema })`.
 * Like the monitoring sections, an extra section may be left out and then takes its defaults.
 */
export function composeAppConfigSchema<Extra extends z.ZodRawShape>(extra: Extra) {
  const optional = Object.fromEntries(
    Object.entries({ ...agentSections, ...extra }).map(([name, schema]) => [
      name,
      z.prefault(schema, {} as never),
    ]),
  ) as Composed<Omit<typeof agentSections, keyof Extra> & Extra>;
  return z
    .strictObject({ ...monitoringSections, ...optional })
    .superRefine((config, ctx) => checkReferences(config as unknown as MonitoringConfig, ctx));
}

/** The whole app config as the CLI and the agent read it. */
export const appConfigSchema = composeAppConfigSchema({});

export type AppConfig = z.output<typeof appConfigSchema>;
