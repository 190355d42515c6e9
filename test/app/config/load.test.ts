import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  appConfigSchema,
  composeAppConfigSchema,
  loadAppConfig,
  loadAppConfigFile,
  parseAppConfig,
  parseAppConfigText,
} from "../../../app/config";
import { ValidationError } from "../../../app/lib/validation";
import { useTempDirs } from "../../support/temp-dir";

const fixtures = path.join(__dirname, "../../fixtures/monitoring");
const tempDir = useTempDirs("opsdeck-config");

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error("expected a ValidationError");
}

async function issuesOfAsync(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ValidationError))
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("app config", () => {
  it("loads the shipped example and fills in every default", async () => {
    const config = await loadAppConfigFile(path.join(__dirname, "../../../examples/opsdeck.yaml"));

    expect(config.storage).toEqual({ type: "local", dir: ".opsdeck/data" });
    expect(config.checks.map((c) => c.id)).toEqual(["dashboard", "dashboard-status-api", "dashboard-port"]);
    expect(config.checks[0]).toMatchObject({
      method: "GET",
      public: true,
      tls: { minDaysLeft: 14, insecure: false },
    });
    expect(config.notifiers).toEqual([{ name: "log", type: "log", level: "warn" }]);
    expect(config.history.retentionDays).toBe(90);
  });

  it("accepts an empty document as the embedded defaults", () => {
    const config = parseAppConfigText("", "empty.yaml");

    expect(config.storage.type).toBe("local");
    expect(config.checks).toEqual([]);
    expect(config.schedule).toMatchObject({ checksEveryMs: 60_000, metricsEveryMs: 5_000 });
    expect(config.alerts).toMatchObject({ openAfter: 3, resolveAfter: 2, remindEveryMs: 3_600_000 });
  });

  it("reports every invalid field with its path and line", async () => {
    const issues = await issuesOfAsync(loadAppConfigFile(path.join(fixtures, "invalid.yaml")));

    expect(issues).toEqual([
      "schedule.metricsEveryMs: expected at least 2000 (2 s) (line 24)",
      "checks[1].url: expected an http:// or https:// URL (line 9)",
      "checks[2].timeoutMs: expected a positive integer (line 13)",
      "checks[3].port: expected a port number between 1 and 65535 (line 17)",
      "checks[4].type: invalid discriminator value. Expected 'http' | 'statuspage' | 'tcp' | 'dns' | 'kubernetes' (line 19)",
      "alerts.openAfter: expected a positive integer (line 21)",
      "thresholds.cpu.critical: critical must be ≥ warning (line 26)",
      '(root): unrecognized key: "chekcs" (line 27)',
    ]);
  });

  it("rejects a misspelt storage key instead of falling back to a default destination", () => {
    const issues = issuesOf(() =>
      parseAppConfig(
        { storage: { type: "s3", bucket: "opsdeck-state", endpiont: "http://127.0.0.1:9000" } },
        "app config",
      ),
    );
    expect(issues).toEqual(['storage: unrecognized key: "endpiont"']);
    expect(
      issuesOf(() => parseAppConfig({ storage: { type: "local", dri: "/var/lib/x" } }, "app config")),
    ).toEqual(['storage: unrecognized key: "dri"']);
  });

  it("reports references to notifiers and checks that do not exist", () => {
    const issues = issuesOf(() =>
      parseAppConfig(
        {
          checks: [{ id: "web", type: "tcp", host: "x", port: 1, alerts: { notifiers: ["pager"] } }],
          alerts: { notifiers: ["slack"] },
          maintenance: [
            {
              id: "m",
              title: "M",
              start: "2026-01-01T00:00:00Z",
              end: "2026-01-01T01:00:00Z",
              checks: ["api"],
            },
          ],
        },
        "stack config",
      ),
    );

    expect(issues).toEqual([
      'alerts.notifiers[0]: no notifier named "slack"',
      'checks[0].alerts.notifiers[0]: no notifier named "pager"',
      'maintenance[0].checks[0]: no check with id "api"',
    ]);
  });

  it("rejects duplicate check ids, invalid regexes and maintenance windows that end before they start", () => {
    const issues = issuesOf(() =>
      parseAppConfig(
        {
          checks: [
            { id: "web", type: "http", url: "http://a/", bodyMatches: "([" },
            { id: "web", type: "tcp", host: "a", port: 1 },
          ],
          maintenance: [{ id: "m", title: "M", start: "2026-01-01T02:00:00Z", end: "2026-01-01T01:00:00Z" }],
        },
        "config",
      ),
    );

    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^checks\[0\]\.bodyMatches: expected a valid regular expression/);
    expect(issues[1]).toBe("checks[1].id: duplicate id (also checks[0])");
    expect(issues[2]).toBe("maintenance[0].end: end must be after start");
  });

  it("reports YAML syntax errors with their line", () => {
    const issues = issuesOf(() => parseAppConfigText("checks:\n  - id: a\n   type: http\n", "broken.yaml"));

    expect(issues[0]).toBe("line 3, column 1: Sequence item without - indicator");
  });

  it("reads webhook URLs from the environment variable a notifier names", () => {
    const text = "notifiers:\n  - name: ops\n    type: slack\n    urlEnv: SLACK_URL\n";

    const config = parseAppConfigText(text, "c.yaml", {
      env: { SLACK_URL: "https://hooks.slack.test/T/B/secret" },
    });

    expect(config.notifiers[0]).toMatchObject({ type: "slack", url: "https://hooks.slack.test/T/B/secret" });
  });

  it("names the missing variable, and never echoes a malformed secret", () => {
    const text =
      "notifiers:\n  - { name: a, type: slack, urlEnv: MISSING }\n  - { name: b, type: webhook, urlEnv: BAD }\n";

    const issues = issuesOf(() => parseAppConfigText(text, "c.yaml", { env: { BAD: "s3cr3t-not-a-url" } }));

    expect(issues).toEqual([
      "notifiers[0].urlEnv: environment variable MISSING is not set",
      "notifiers[1].urlEnv: environment variable BAD does not hold an http(s) URL",
    ]);
    expect(issues.join("\n")).not.toContain("s3cr3t");
  });

  it("requires exactly one of url and urlEnv on a webhook notifier", () => {
    const issues = issuesOf(() => parseAppConfig({ notifiers: [{ name: "a", type: "webhook" }] }, "config"));

    expect(issues).toEqual(["notifiers[0].url: expected exactly one of url or urlEnv"]);
  });

  it("takes an explicit file first, then OPSDECK_CONFIG text, then OPSDECK_CONFIG_FILE, then the defaults", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "opsdeck.yaml");
    const envFile = path.join(dir, "env.yaml");
    await writeFile(file, "history: { retentionDays: 30 }\n");
    await writeFile(envFile, "history: { retentionDays: 14 }\n");
    const inline = '{"history":{"retentionDays":7}}';

    const explicit = await loadAppConfig({
      file,
      env: { OPSDECK_CONFIG: inline, OPSDECK_CONFIG_FILE: envFile },
    });
    const fromEnv = await loadAppConfig({ env: { OPSDECK_CONFIG: inline, OPSDECK_CONFIG_FILE: envFile } });
    const fromEnvFile = await loadAppConfig({ env: { OPSDECK_CONFIG_FILE: envFile } });
    const defaults = await loadAppConfig({ env: {} });

    expect([explicit.source, explicit.config.history.retentionDays]).toEqual([file, 30]);
    expect([fromEnv.source, fromEnv.config.history.retentionDays]).toEqual(["OPSDECK_CONFIG", 7]);
    expect([fromEnvFile.source, fromEnvFile.config.history.retentionDays]).toEqual([envFile, 14]);
    expect([defaults.source, defaults.config.history.retentionDays]).toEqual(["defaults", 90]);
  });

  it("composes extra sections from other parts next to the monitoring ones", () => {
    const schema = composeAppConfigSchema({
      extras: z.strictObject({ keepLast: z.int().positive().default(7) }),
    });

    const config = parseAppConfigText("extras: { keepLast: 3 }\n", "c.yaml", { schema });
    const absent = parseAppConfigText("checks: []\n", "c.yaml", { schema });
    const issues = issuesOf(() => parseAppConfigText("extras: { keepLast: 0 }\n", "c.yaml", { schema }));

    expect(config.extras.keepLast).toBe(3);
    expect(absent.extras.keepLast).toBe(7);
    expect(config.checks).toEqual([]);
    expect(issues).toEqual(["extras.keepLast: too small: expected number to be >0 (line 1)"]);
    expect(() => appConfigSchema.parse({ extras: {} })).toThrow();
  });

  it("carries the agent's logs and backups sections in every composed schema, with their defaults", () => {
    const schema = composeAppConfigSchema({ extras: z.strictObject({}) });
    const text =
      "logs: { follow: [/var/log/syslog] }\nbackups: { jobs: [{ label: etc, sources: [/etc], at: '02:30' }] }\n";

    const base = parseAppConfigText(text, "c.yaml");
    const composed = parseAppConfigText(text, "c.yaml", { schema });
    const empty = parseAppConfigText("", "c.yaml");

    expect(base.logs.follow).toEqual([{ path: "/var/log/syslog", format: "auto" }]);
    expect(composed.backups.jobs[0]).toMatchObject({ label: "etc", at: "02:30" });
    expect(empty.logs).toEqual({
      follow: [],
      windowMinutes: 60,
      reportEveryMs: 60000,
      top: 10,
      pollIntervalMs: 1000,
    });
    expect(empty.backups.jobs).toEqual([]);
  });

  it("names bad fields of the agent's sections with their lines", () => {
    const text = [
      "logs:",
      "  follow:",
      "    - /var/log/app.log",
      "    - { path: /var/log/app.log, format: xml }",
      "  reportEveryMs: 10",
      "backups:",
      "  jobs:",
      "    - { label: etc, sources: [/etc], at: '25:00' }",
      "    - { label: www, sources: [/srv], at: '01:00', intervalMinutes: 60 }",
    ].join("\n");

    const issues = issuesOf(() => parseAppConfigText(text, "c.yaml"));

    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^logs\.follow\[1\]\.format: .*"json".* \(line 4\)$/),
        "logs.reportEveryMs: expected at least 1000 (1 s) (line 5)",
        "backups.jobs[0].at: expected a UTC time of day as HH:MM, e.g. 02:30 (line 8)",
        "backups.jobs[1].at: give either intervalMinutes or at (a daily UTC time), not both (line 9)",
      ]),
    );
  });
});
