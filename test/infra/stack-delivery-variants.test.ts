/**
 * Policies for the delivery choices a stack can make beyond the dev stack: a signed (AWS_IAM) Graviton
 * function with secrets, the agent with a webhook, Pods applied to a cluster from the stack's own ECR
 * image on bucket storage; and a stack with every delivery part switched off.
 */
import { Pod } from "kubernetes-models/v1/Pod";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../infra/rules/policy-document";
import type { StackOutputs } from "../../infra/stack";
import { isAllowed } from "../support/iam-evaluator";
import { MOCK_REGION, type PulumiMockSession, resolveOutput } from "../support/pulumi-mocks";
import { buildStack } from "./build-stack";

const WEBHOOK = "https://hooks.example.com/services/T000/B000/SECRET-TOKEN";
const TOKEN = "dashboard-token-0123456789";

describe("a signed Graviton dashboard, agents with a webhook, Pods on a cluster from the stack's image", () => {
  let mocks: PulumiMockSession;
  let outputs: StackOutputs;

  beforeAll(async () => {
    ({ mocks, outputs } = await buildStack({
      stack: "prod",
      config: {
        "opsdeck:servers": [
          { name: "web01", role: "web", instanceType: "t4g.small" },
          { name: "db01", role: "db", instanceType: "t4g.small" },
        ],
        "opsdeck:backupBucket": { encryption: "AES256" },
        "opsdeck:dashboard": {
          architecture: "arm64",
          urlAuth: "AWS_IAM",
          reservedConcurrency: 5,
          memoryMb: 1024,
        },
        "opsdeck:images": { keepLast: 3 },
        "opsdeck:agent": { refreshMinutes: 10, logLevel: "debug" },
        "opsdeck:kubernetes": {
          enabled: true,
          mode: "cluster",
          kubeconfig: "/home/ops/.kube/prod",
          context: "prod",
          pods: [
            {
              name: "reporter",
              command: ["node", "dist/cli/opsdeck.js"],
              args: ["report"],
              port: 8080,
              env: { REPORT_EVERY: "1h" },
              secretEnv: { REPORT_TOKEN: "report-token" },
            },
          ],
        },
        "opsdeck:app": {
          notifiers: [{ name: "pager", type: "webhook", urlEnv: "OPSDECK_ALERT_WEBHOOK_URL" }],
          alerts: { notifiers: ["pager"] },
        },
        "opsdeck:alertWebhookUrl": WEBHOOK,
        "opsdeck:dashboardToken": TOKEN,
      },
      secretKeys: ["opsdeck:alertWebhookUrl", "opsdeck:dashboardToken"],
    }));
  });

  const images = () => mocks.ofType("awsx:ecr:Image");
  // Pods register once their late-bound inputs resolve, so their order is not fixed: find them by name.
  const podNamed = (name: string) =>
    mocks.ofType("kubernetes:core/v1:Pod").find((pod) => pod.inputs.metadata.name === name);

  it("builds both targets for arm64, each into its own repository", () => {
    expect(
      images()
        .map((image) => [image.inputs.target, image.inputs.platform])
        .sort(),
    ).toEqual([
      ["lambda", "linux/arm64"],
      ["server", "linux/arm64"],
    ]);
    expect(new Set(images().map((image) => image.inputs.repositoryUrl)).size).toBe(2);
    for (const repository of mocks.ofType("awsx:ecr:Repository"))
      expect(repository.inputs.lifecyclePolicy.rules[0].maximumNumberOfImages).toBe(3);
  });

  it("runs the function on arm64 with its reserved concurrency, and both secrets only as Pulumi secrets", () => {
    const fn = mocks.one("aws:lambda/function:Function");

    expect(fn.inputs).toMatchObject({
      architectures: ["arm64"],
      reservedConcurrentExecutions: 5,
      memorySize: 1024,
    });
    expect(fn.inputs.environment.variables).toMatchObject({
      OPSDECK_DASHBOARD_TOKEN: TOKEN,
      OPSDECK_ALERT_WEBHOOK_URL: WEBHOOK,
    });
    expect(fn.secretPaths).toEqual(["environment"]);
    expect(JSON.parse(fn.inputs.environment.variables.OPSDECK_CONFIG).notifiers).toEqual([
      { name: "pager", type: "webhook", urlEnv: "OPSDECK_ALERT_WEBHOOK_URL" },
    ]);
  });

  it("keeps an AWS_IAM URL private and signs the smoke test's requests for the stack's region", () => {
    const urls = mocks.ofType("aws:lambda/functionUrl:FunctionUrl");

    expect(urls.map((url) => [url.inputs.qualifier, url.inputs.authorizationType])).toEqual([
      ["candidate", "AWS_IAM"],
      ["live", "AWS_IAM"],
    ]);
    expect(mocks.ofType("aws:lambda/permission:Permission").map((p) => p.inputs.principal)).toEqual([
      "events.amazonaws.com",
    ]);
    expect(mocks.one("command:local:Command").inputs.environment.OPSDECK_SMOKE_SIGV4_REGION).toBe(
      MOCK_REGION,
    );
  });

  it("stores the webhook as a SecureString (AWS's key with S3-managed bucket encryption) that only the agents read", async () => {
    const parameter = mocks.one("aws:ssm/parameter:Parameter");
    const parameterArn: string = parameter.outputs.arn;

    expect(parameter.inputs).toMatchObject({ name: "/opsdeck-prod/alert-webhook-url", type: "SecureString" });
    expect(parameter.inputs.keyId).toBeUndefined();
    expect(parameter.secretPaths).toEqual(["value"]);
    for (const server of ["web01", "db01"]) {
      const read = JSON.parse(
        mocks.one("aws:iam/rolePolicy:RolePolicy", `opsdeck-prod-agent-${server}-read`).inputs.policy,
      ) as PolicyDocument;
      expect(isAllowed(read, { action: "ssm:GetParameter", resource: parameterArn }), server).toBe(true);
      expect(
        mocks.one("aws:ec2/instance:Instance", `opsdeck-prod-fleet-${server}`).inputs.userData,
        server,
      ).toContain("OPSDECK_WEBHOOK_PARAMETER=/opsdeck-prod/alert-webhook-url\nOPSDECK_LOG_LEVEL=debug");
    }
    const dashboardPolicy = mocks.one("aws:iam/rolePolicy:RolePolicy", "opsdeck-prod-dashboard-access").inputs
      .policy;
    expect(dashboardPolicy).not.toContain("ssm:");
    expect(await resolveOutput(outputs.agentBundleKey)).toMatch(/^artifacts\/opsdeck-[0-9a-f]{16}\.tgz$/);
  });

  it("applies the Pods to the configured cluster, running the stack's server image by digest", async () => {
    const serverImage = images().find((image) => image.inputs.target === "server");
    const server = podNamed("opsdeck-server");
    const reporter = podNamed("reporter");

    expect(mocks.one("pulumi:providers:kubernetes").inputs).toEqual({
      kubeconfig: "/home/ops/.kube/prod",
      context: "prod",
    });
    expect(server?.inputs.spec.containers[0].image).toBe(serverImage?.outputs.imageUri);
    expect(reporter?.inputs.spec.containers[0].image).toBe(serverImage?.outputs.imageUri);
    expect(await resolveOutput(outputs.serverImage as never)).toBe(serverImage?.outputs.imageUri);
    expect(outputs.kubernetesManifests).toBeUndefined();
  });

  it("stores the Pods' state in the bucket, with static AWS credentials only as optional Secret references", async () => {
    const server = podNamed("opsdeck-server");
    const env = server?.inputs.spec.containers[0].env as {
      name: string;
      value?: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string; optional: boolean } };
    }[];
    const config = JSON.parse(env.find((e) => e.name === "OPSDECK_CONFIG")?.value ?? "{}");

    expect(config.storage).toEqual({
      type: "s3",
      bucket: await resolveOutput(outputs.bucketName),
      prefix: "",
      region: MOCK_REGION,
    });
    expect(env.find((e) => e.name === "AWS_ACCESS_KEY_ID")?.valueFrom?.secretKeyRef).toEqual({
      name: "opsdeck-secrets",
      key: "aws-access-key-id",
      optional: true,
    });
    expect(JSON.stringify(server?.inputs)).not.toContain("SECRET-TOKEN");
    expect(JSON.stringify(server?.inputs)).not.toContain(TOKEN);
  });

  it("gives an extra Pod its command, probes on its port and its secrets by reference", () => {
    const reporter = podNamed("reporter");
    const [container] = reporter?.inputs.spec.containers ?? [];

    expect(container).toMatchObject({
      name: "reporter",
      command: ["node", "dist/cli/opsdeck.js"],
      args: ["report"],
      ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
      livenessProbe: { httpGet: { path: "/healthz", port: "http" } },
    });
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: "REPORT_EVERY", value: "1h" },
        {
          name: "REPORT_TOKEN",
          valueFrom: { secretKeyRef: { name: "opsdeck-secrets", key: "report-token", optional: false } },
        },
      ]),
    );
  });

  it("every Pod is schema-valid and non-root", () => {
    for (const pod of mocks.ofType("kubernetes:core/v1:Pod")) {
      const manifest = new Pod({ metadata: pod.inputs.metadata, spec: pod.inputs.spec });
      expect(() => manifest.validate(), pod.name).not.toThrow();
      expect(pod.inputs.spec.securityContext.runAsNonRoot, pod.name).toBe(true);
    }
  });
});

describe("a dashboard whose smoke test is off", () => {
  let mocks: PulumiMockSession;

  beforeAll(async () => {
    ({ mocks } = await buildStack({
      stack: "quick",
      config: {
        "opsdeck:dashboard": { smokeTest: { enabled: false } },
        "opsdeck:agent": { enabled: false },
      },
    }));
  });

  it("moves the live alias straight to each new version, with no candidate and no smoke test", () => {
    const fn = mocks.one("aws:lambda/function:Function");
    const live = mocks.one("aws:lambda/alias:Alias");

    expect(live.inputs).toMatchObject({ name: "live", functionVersion: fn.outputs.version });
    expect(mocks.ofType("command:local:Command")).toEqual([]);
    expect(mocks.ofType("aws:lambda/functionUrl:FunctionUrl").map((url) => url.inputs.qualifier)).toEqual([
      "live",
    ]);
  });
});

describe("a stack with the dashboard, the agent and Kubernetes switched off", () => {
  let mocks: PulumiMockSession;
  let outputs: StackOutputs;

  beforeAll(async () => {
    ({ mocks, outputs } = await buildStack({
      stack: "bare",
      config: {
        "opsdeck:dashboard": { enabled: false },
        "opsdeck:agent": { enabled: false },
      },
    }));
  });

  it("builds no image and creates no function, schedule, smoke test, upload or Pod", () => {
    const delivered = mocks.resources.filter(
      (r) =>
        r.type.startsWith("awsx:") ||
        r.type.startsWith("aws:lambda/") ||
        r.type.startsWith("aws:cloudwatch/") ||
        r.type.startsWith("aws:s3/bucketObjectv2") ||
        r.type.startsWith("command:") ||
        r.type.startsWith("kubernetes:"),
    );

    expect(delivered).toEqual([]);
    expect(outputs.dashboardUrl).toBeUndefined();
    expect(outputs.agentBundleKey).toBeUndefined();
  });

  it("boots servers with their role's steps only", () => {
    const userData: string = mocks.one("aws:ec2/instance:Instance").inputs.userData;

    expect(userData).toContain("dnf install -y nginx");
    expect(userData).not.toContain("opsdeck-agent");
  });
});
