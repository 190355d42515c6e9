import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../infra/config";
import { resolveOutput } from "../support/pulumi-mocks";
import { configIssues, configSource } from "../support/stack-config";

describe("loadConfig, delivery sections", () => {
  it("fills the documented defaults: dashboard on, agent on, Kubernetes off, empty app config", () => {
    const config = loadConfig(configSource({}));

    expect(config.dashboard).toMatchObject({
      enabled: true,
      architecture: "x86_64",
      memoryMb: 512,
      timeoutSeconds: 60,
      logRetentionDays: 30,
      schedule: "rate(1 minute)",
      urlAuth: "NONE",
      smokeTest: { enabled: true, attempts: 10, intervalSeconds: 6, timeoutSeconds: 10 },
    });
    expect(config.dashboard.reservedConcurrency).toBeUndefined();
    expect(config.images).toEqual({ keepLast: 10, forceDelete: false });
    expect(config.agent).toEqual({ enabled: true, logLevel: "info", refreshMinutes: 5, roles: {} });
    expect(config.kubernetes).toMatchObject({ enabled: false, mode: "render", storage: { type: "bucket" } });
    expect(config.app).toEqual({ shared: {}, roles: {} });
    expect(config.dashboardToken).toBeUndefined();
  });

  it("keeps the dashboard token only as a Pulumi secret", async () => {
    const config = loadConfig(configSource({ dashboardToken: "0123456789abcdef0123" }, ["dashboardToken"]));

    expect(await pulumi.isSecret(config.dashboardToken as pulumi.Output<string>)).toBe(true);
    expect(await resolveOutput(config.dashboardToken)).toBe("0123456789abcdef0123");
  });

  it("rejects a dashboard token in plain text or too short, without repeating it", () => {
    const plain = configIssues({ dashboardToken: "0123456789abcdef0123" });
    const short = configIssues({ dashboardToken: "short" }, ["dashboardToken"]);

    expect(plain).toEqual([
      "opsdeck:dashboardToken: must be stored as a secret: pulumi config set --secret dashboardToken <value>",
    ]);
    expect(short).toEqual(["opsdeck:dashboardToken: expected at least 16 characters"]);
    expect([...plain, ...short].join("\n")).not.toMatch(/0123456789abcdef0123|short"/);
  });

  it("rejects a schedule EventBridge would refuse and a retention CloudWatch would refuse", () => {
    expect(configIssues({ dashboard: { schedule: "rate(5 minute)", logRetentionDays: 10 } })).toEqual([
      "opsdeck:dashboard.logRetentionDays: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (the periods CloudWatch Logs accepts)",
      "opsdeck:dashboard.schedule: expected rate(5 minutes)",
    ]);
  });

  it("rejects out-of-range Lambda settings and an unknown URL auth type", () => {
    expect(configIssues({ dashboard: { memoryMb: 64, timeoutSeconds: 901, urlAuth: "COGNITO" } })).toEqual([
      "opsdeck:dashboard.memoryMb: too small: expected number to be >=128",
      "opsdeck:dashboard.timeoutSeconds: too big: expected number to be <=900",
      'opsdeck:dashboard.urlAuth: expected one of "NONE"|"AWS_IAM"',
    ]);
  });

  it("rejects a smoke-test request timeout outside 1–60 seconds, naming the field", () => {
    expect(configIssues({ dashboard: { smokeTest: { timeoutSeconds: 0 } } })).toEqual([
      "opsdeck:dashboard.smokeTest.timeoutSeconds: too small: expected number to be >=1",
    ]);
    expect(configIssues({ dashboard: { smokeTest: { timeoutSeconds: 2.5 } } })).toEqual([
      "opsdeck:dashboard.smokeTest.timeoutSeconds: expected int, received number",
    ]);
  });

  it("locates app config mistakes under opsdeck:app before any resource exists", () => {
    expect(
      configIssues({ app: { checks: [{ id: "Bad Id", type: "http", url: "https://example.com/" }] } }),
    ).toEqual([expect.stringMatching(/^opsdeck:app\.checks\[0\]\.id: expected lower-case letters/)]);
  });

  it("requires the webhook secret for a notifier that uses it", () => {
    const app = { notifiers: [{ name: "pager", type: "webhook", urlEnv: "OPSDECK_ALERT_WEBHOOK_URL" }] };

    expect(configIssues({ app })).toEqual([
      "opsdeck:app.notifiers[0].urlEnv: needs opsdeck:alertWebhookUrl: pulumi config set --secret alertWebhookUrl <url>",
    ]);
    expect(
      loadConfig(configSource({ app, alertWebhookUrl: "https://hooks.example.com/x" }, ["alertWebhookUrl"]))
        .app.shared,
    ).toEqual(app);
  });

  it("rejects an app config too large for the function's 4 KB environment", () => {
    const checks = Array.from({ length: 60 }, (_, i) => ({
      id: `site-${i}`,
      type: "http",
      url: `https://site-${i}.example.com/health`,
    }));

    expect(configIssues({ app: { checks } })).toEqual([
      expect.stringMatching(
        /^opsdeck:app: the dashboard function's environment would take \d+ bytes .* Lambda allows 4096$/,
      ),
    ]);
    expect(loadConfig(configSource({ app: { checks }, dashboard: { enabled: false } })).app.shared).toEqual({
      checks,
    });
  });

  it("validates agent role overrides as app config, located under opsdeck:agent.roles", () => {
    expect(
      configIssues({
        agent: { roles: { db: { backups: { jobs: [{ label: "pg", sources: [] }] } }, cache: {} } },
      }),
    ).toEqual([expect.stringMatching(/^opsdeck:agent\.roles: unrecognized key.*cache/)]);
    expect(
      configIssues({ agent: { roles: { db: { backups: { jobs: [{ label: "pg", sources: [] }] } } } } }),
    ).toEqual([expect.stringMatching(/^opsdeck:agent\.roles\.db\.backups\.jobs\[0\]\.sources: /)]);
  });

  it("rejects Kubernetes settings that would not work: cluster-only keys in render mode, bad quantities, a secret as a value", () => {
    expect(
      configIssues({
        kubernetes: {
          kubeconfig: "~/.kube/config",
          renderDirectory: "../outside",
          resources: { requests: { cpu: "2", memory: "128Mi" }, limits: { cpu: "500m", memory: "lots" } },
          pods: [
            { name: "opsdeck-server" },
            { name: "worker", env: { OPSDECK_DASHBOARD_TOKEN: "plain" } },
            { name: "worker" },
          ],
        },
      }),
    ).toEqual([
      "opsdeck:kubernetes.renderDirectory: expected a path inside the repository (relative, without ..)",
      "opsdeck:kubernetes.resources.limits.memory: expected memory with a unit, e.g. 256Mi or 1Gi",
      "opsdeck:kubernetes.resources.requests.cpu: expected at most limits.cpu (500m)",
      "opsdeck:kubernetes.pods[1].env.OPSDECK_DASHBOARD_TOKEN: is a secret: list it under secretEnv (a Secret reference), never as a value",
      "opsdeck:kubernetes.kubeconfig: only used with mode: cluster",
      'opsdeck:kubernetes.pods[0].name: "opsdeck-server" is the dashboard Pod\'s name',
      "opsdeck:kubernetes.pods[2].name: duplicate Pod name (also pods[1].name)",
    ]);
  });
});
