import { describe, expect, it } from "vitest";
import {
  appConfigIssues,
  bucketStorage,
  deployedAppConfig,
  roleAppConfig,
  WEBHOOK_ENV,
} from "../../../infra/rules/app-config";

const checks = [{ id: "site", type: "http", url: "https://example.com/" }];

describe("the deployed app config", () => {
  it("stores in the backup bucket at its root, where the roles grant access by prefix", () => {
    expect(
      deployedAppConfig({ checks }, { storage: bucketStorage("opsdeck-dev-backups-abc", "eu-west-1") }),
    ).toEqual({
      checks,
      storage: { type: "s3", bucket: "opsdeck-dev-backups-abc", prefix: "", region: "eu-west-1" },
    });
  });

  it("names an agent's host in its heartbeats and backups, keeping the rest of those sections", () => {
    const config = deployedAppConfig(
      { hosts: { staleAfterMs: 60000 }, backups: { jobs: [] } },
      { storage: bucketStorage("b-1", undefined), host: "db01" },
    );

    expect(config.hosts).toEqual({ staleAfterMs: 60000, name: "db01" });
    expect(config.backups).toEqual({ jobs: [], host: "db01" });
  });

  it("leaves the dashboard's own section out of an agent's config, which the agent's schema would refuse", () => {
    const raw = { dashboard: { title: "Ops" }, checks };

    expect(deployedAppConfig(raw, { storage: bucketStorage("b-1", undefined) }).dashboard).toEqual({
      title: "Ops",
    });
    expect(
      deployedAppConfig(raw, { storage: bucketStorage("b-1", undefined), host: "web01" }),
    ).not.toHaveProperty("dashboard");
  });

  it("lets a role's sections replace the shared ones", () => {
    const jobs = [{ label: "pg", sources: ["/var/lib/pgsql"] }];

    expect(
      roleAppConfig(
        { shared: { checks, backups: { jobs: [] } }, roles: { db: { backups: { jobs } } } },
        "db",
      ),
    ).toEqual({
      checks,
      backups: { jobs },
    });
  });
});

describe("appConfigIssues", () => {
  const issues = (shared: Record<string, unknown>, roles = {}, webhookConfigured = false) =>
    appConfigIssues({ shared, roles, webhookConfigured }).map((issue) => `${issue.path}: ${issue.message}`);

  it("accepts an empty config and a complete one, with the dashboard's, the log follower's and the backups' sections", () => {
    expect(issues({})).toEqual([]);
    expect(issues({ dashboard: { title: "Ops" }, logs: {}, backups: { jobs: [] } })).toEqual([]);
    expect(
      issues(
        {
          checks,
          notifiers: [{ name: "pager", type: "webhook", urlEnv: WEBHOOK_ENV }],
          alerts: { notifiers: ["pager"] },
        },
        {},
        true,
      ),
    ).toEqual([]);
  });

  it("locates a bad field under opsdeck:app with the app schema's message", () => {
    expect(
      issues({ checks: [{ id: "site", type: "http", url: "https://example.com/", timeoutMs: -1 }] }),
    ).toEqual(["opsdeck:app.checks[0].timeoutMs: expected a positive integer"]);
  });

  it("rejects an unknown section instead of ignoring it", () => {
    expect(issues({ chekcs: [] })).toEqual([expect.stringMatching(/^opsdeck:app: unrecognized key.*chekcs/)]);
  });

  it("keeps the fields the stack sets to itself", () => {
    expect(issues({ storage: { type: "local" }, hosts: { name: "x" } })).toEqual(
      expect.arrayContaining([
        "opsdeck:app.storage: is set by the stack (the backup bucket); remove it",
        "opsdeck:app.hosts.name: is set by the stack to each server's name; remove it",
      ]),
    );
  });

  it("refuses a webhook URL written in the config, and any variable but the one the stack fills", () => {
    expect(
      issues({
        notifiers: [{ name: "a", type: "slack", url: "https://hooks.slack.com/services/T/B/SECRET" }],
      }),
    ).toEqual([
      expect.stringMatching(
        /^opsdeck:app\.notifiers\[0\]\.url: is a secret: use urlEnv: OPSDECK_ALERT_WEBHOOK_URL/,
      ),
    ]);
    expect(issues({ notifiers: [{ name: "a", type: "slack", urlEnv: "MY_HOOK" }] }, {}, true)).toEqual([
      "opsdeck:app.notifiers[0].urlEnv: the stack provides only OPSDECK_ALERT_WEBHOOK_URL (from opsdeck:alertWebhookUrl)",
    ]);
    expect(issues({ notifiers: [{ name: "a", type: "slack", urlEnv: WEBHOOK_ENV }] })).toEqual([
      "opsdeck:app.notifiers[0].urlEnv: needs opsdeck:alertWebhookUrl: pulumi config set --secret alertWebhookUrl <url>",
    ]);
  });

  it("never repeats a secret URL in a message", () => {
    const text = issues({
      notifiers: [{ name: "a", type: "slack", url: "https://hooks.slack.com/services/T/B/SECRET" }],
    }).join("\n");

    expect(text).not.toContain("SECRET");
  });

  it("locates a problem in a role's override under opsdeck:agent.roles.<role>, once", () => {
    expect(
      issues(
        { checks: [{ id: "site", type: "http", url: "ftp://nope" }] },
        { db: { backups: { jobs: [{ label: "pg", sources: [] }] } } },
      ),
    ).toEqual([
      expect.stringMatching(/^opsdeck:app\.checks\[0\]\.url: /),
      expect.stringMatching(/^opsdeck:agent\.roles\.db\.backups\.jobs\[0\]\.sources: /),
    ]);
  });

  it("reports what breaks only in a role's combination, e.g. a notifier the role's override dropped", () => {
    expect(
      issues(
        { notifiers: [{ name: "log", type: "log" }], alerts: { notifiers: ["log"] } },
        { web: { notifiers: [] } },
      ),
    ).toEqual(['opsdeck:agent.roles.web.alerts.notifiers[0]: no notifier named "log"']);
  });
});
