/**
 * Policies for what the dev stack delivers on top of the bucket, fleet and load balancer: the dashboard
 * function and its image, the agent on the fleet and the Kubernetes Pods, checked on what the program
 * registers under Pulumi's mock runtime.
 */
import { createHash } from "node:crypto";
import { Pod } from "kubernetes-models/v1/Pod";
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentBundle } from "../../infra/lookups/agent-bundle";
import type { PolicyDocument } from "../../infra/rules/policy-document";
import type { StackOutputs } from "../../infra/stack";
import { isAllowed } from "../support/iam-evaluator";
import {
  MOCK_REGION,
  type PulumiMockSession,
  type RecordedResource,
  readStackConfig,
  resolveOutput,
} from "../support/pulumi-mocks";
import { buildStack } from "./build-stack";

const T = {
  repository: "awsx:ecr:Repository",
  image: "awsx:ecr:Image",
  fn: "aws:lambda/function:Function",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  alias: "aws:lambda/alias:Alias",
  permission: "aws:lambda/permission:Permission",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  command: "command:local:Command",
  object: "aws:s3/bucketObjectv2:BucketObjectv2",
  parameter: "aws:ssm/parameter:Parameter",
  instance: "aws:ec2/instance:Instance",
  provider: "pulumi:providers:kubernetes",
  namespace: "kubernetes:core/v1:Namespace",
  pod: "kubernetes:core/v1:Pod",
} as const;

let mocks: PulumiMockSession;
let outputs: StackOutputs;
let bundle: AgentBundle;
let bucketArn: string;
let bucketName: string;

beforeAll(async () => {
  const { config, secretKeys } = readStackConfig("dev");
  ({
    mocks,
    outputs,
    agentBundle: bundle,
  } = await buildStack({ project: "opsdeck", stack: "dev", config, secretKeys }));
  bucketArn = await resolveOutput(outputs.bucketArn);
  bucketName = await resolveOutput(outputs.bucketName);
});

const fn = () => mocks.one(T.fn);
const live = () => mocks.one(T.alias, "opsdeck-dev-dashboard-live");
const childrenOf = (componentType: string) =>
  mocks.resources.filter((r) => mocks.byUrn(r.parent ?? "")?.type === componentType);
const policyOf = (resource: RecordedResource) => JSON.parse(resource.inputs.policy) as PolicyDocument;

describe("dashboard image", () => {
  it("is built from lambda/Dockerfile's lambda target, at the repository root, for the function's architecture", () => {
    expect(mocks.one(T.image).inputs).toMatchObject({
      context: ".",
      dockerfile: "lambda/Dockerfile",
      target: "lambda",
      platform: "linux/amd64",
      repositoryUrl: mocks.one(T.repository).outputs.url,
    });
  });

  it("lives in a repository that scans on push, keeps the newest images and lets its one tag move", () => {
    expect(mocks.one(T.repository).inputs).toMatchObject({
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: "MUTABLE",
      forceDelete: true,
      lifecyclePolicy: { rules: [{ tagStatus: "any", maximumNumberOfImages: 5 }] },
    });
  });
});

describe("dashboard function", () => {
  it("runs the image by digest with the configured architecture, memory and timeout", () => {
    expect(fn().inputs).toMatchObject({
      packageType: "Image",
      imageUri: expect.stringMatching(/@sha256:[0-9a-f]{64}$/),
      architectures: ["x86_64"],
      memorySize: 512,
      timeout: 60,
    });
    expect(fn().inputs.imageUri).toBe(mocks.one(T.image).outputs.imageUri);
    expect(fn().inputs.reservedConcurrentExecutions).toBeUndefined();
  });

  it("receives the app config with the bucket as its store, and no secret it was not given", () => {
    const variables = fn().inputs.environment.variables as Record<string, string>;
    const appConfig = JSON.parse(variables.OPSDECK_CONFIG ?? "{}");

    expect(appConfig.storage).toEqual({ type: "s3", bucket: bucketName, prefix: "", region: MOCK_REGION });
    expect(appConfig.checks).toEqual([expect.objectContaining({ id: "example-site" })]);
    expect(Object.keys(variables).sort()).toEqual(["OPSDECK_CONFIG", "OPSDECK_LOG_LEVEL"]);
  });

  it("logs to its own log group with the configured retention", () => {
    const logGroup = mocks.one(T.logGroup);

    expect(logGroup.inputs).toMatchObject({ name: "/opsdeck/opsdeck-dev/dashboard", retentionInDays: 14 });
    expect(fn().inputs.loggingConfig).toEqual({ logFormat: "Text", logGroup: logGroup.outputs.name });
  });

  it("runs with a role only Lambda can assume, whose policy is in place before the function", () => {
    const role = mocks.one(T.role, "opsdeck-dev-dashboard-role");
    const access = mocks.one(T.rolePolicy, "opsdeck-dev-dashboard-access");

    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(fn().inputs.role).toBe(role.outputs.arn);
    expect(access.inputs.role).toBe(role.outputs.name);
    expect(fn().dependencies).toContain(access.urn);
  });

  it("the function's role cannot write outside its prefix", () => {
    const policy = policyOf(mocks.one(T.rolePolicy, "opsdeck-dev-dashboard-access"));
    const canPut = (key: string) =>
      isAllowed(policy, { action: "s3:PutObject", resource: `${bucketArn}/${key}` });

    expect(canPut("checks/example-site/2026-01-01.jsonl")).toBe(true);
    expect(canPut("state/alerts.json")).toBe(true);
    for (const key of [
      "hosts/web01.json",
      "backups/web01/x.tar.gz",
      "artifacts/agent/web01.json",
      "other.json",
    ])
      expect(canPut(key), key).toBe(false);
    expect(isAllowed(policy, { action: "s3:GetObject", resource: `${bucketArn}/hosts/web01.json` })).toBe(
      true,
    );
    expect(
      isAllowed(policy, { action: "s3:GetObject", resource: `${bucketArn}/backups/web01/x.tar.gz` }),
    ).toBe(false);
    expect(isAllowed(policy, { action: "s3:DeleteBucket", resource: bucketArn })).toBe(false);
  });

  it("is public on the live alias's Function URL, with both statements Lambda requires there, exported as dashboardUrl", async () => {
    const url = mocks.one(T.functionUrl, "opsdeck-dev-dashboard-url");
    const permissions = mocks.ofType(T.permission).filter((p) => p.inputs.principal === "*");

    expect(url.inputs).toMatchObject({
      functionName: fn().outputs.name,
      qualifier: "live",
      authorizationType: "NONE",
    });
    expect(url.propertyDependencies.qualifier).toEqual([live().urn]);
    expect(permissions.map((p) => p.inputs)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "lambda:InvokeFunctionUrl", functionUrlAuthType: "NONE" }),
        expect.objectContaining({ action: "lambda:InvokeFunction", invokedViaFunctionUrl: true }),
      ]),
    );
    expect(permissions).toHaveLength(2);
    // A grant on the function does not reach its aliases: each must name the live alias.
    for (const permission of permissions) expect(permission.inputs.qualifier, permission.name).toBe("live");
    expect(await resolveOutput(outputs.dashboardUrl)).toBe(url.outputs.functionUrl);
  });

  it("the schedule targets the live alias, which lets EventBridge invoke it from that rule only", () => {
    const rule = mocks.one(T.rule);
    const target = mocks.one(T.target);
    const invoke = mocks.ofType(T.permission).find((p) => p.inputs.principal === "events.amazonaws.com");

    expect(rule.inputs.scheduleExpression).toBe("rate(5 minutes)");
    expect(target.inputs).toMatchObject({ rule: rule.outputs.name, arn: live().outputs.arn });
    expect(target.inputs.arn).toMatch(/:function:[^:]+:live$/);
    expect(target.inputs.input).toBeUndefined();
    expect(invoke?.inputs).toMatchObject({
      action: "lambda:InvokeFunction",
      function: fn().outputs.name,
      qualifier: "live",
      sourceArn: rule.outputs.arn,
    });
  });
});

describe("dashboard release: a new version takes traffic only once healthy", () => {
  const candidate = () => mocks.one(T.alias, "opsdeck-dev-dashboard-candidate");
  const candidateUrl = () => mocks.one(T.functionUrl, "opsdeck-dev-dashboard-candidate-url");
  const smoke = () => mocks.one(T.command, "opsdeck-dev-dashboard-smoke-test");

  it("publishes a version per change, which both the candidate and the live alias point at", () => {
    expect(fn().inputs.publish).toBe(true);
    for (const alias of [candidate(), live()])
      expect(alias.inputs, alias.name).toMatchObject({
        functionName: fn().outputs.name,
        functionVersion: fn().outputs.version,
      });
    expect(fn().outputs.version).toBe("1");
    expect([candidate().inputs.name, live().inputs.name]).toEqual(["candidate", "live"]);
  });

  it("moves the live alias only after the smoke test passed: the alias depends on it", () => {
    expect(live().dependencies).toContain(smoke().urn);
    // And not the other way round: the test runs before traffic moves, never against the live alias.
    expect(smoke().dependencies).not.toContain(live().urn);
    expect(candidate().dependencies).not.toContain(smoke().urn);
  });

  it("smoke-tests the candidate alias's URL once the alias stands on the new version, and re-runs for each version", () => {
    const environment = smoke().inputs.environment;

    expect(smoke().dependencies).toEqual(expect.arrayContaining([candidate().urn, candidateUrl().urn]));
    expect(environment).toMatchObject({
      OPSDECK_SMOKE_URL: candidateUrl().outputs.functionUrl,
      OPSDECK_SMOKE_ATTEMPTS: "10",
      OPSDECK_SMOKE_TIMEOUT: "10",
    });
    expect(environment.OPSDECK_SMOKE_URL).not.toBe(
      mocks.one(T.functionUrl, "opsdeck-dev-dashboard-url").outputs.functionUrl,
    );
    expect(smoke().inputs.triggers).toEqual([
      candidate().outputs.functionVersion,
      candidateUrl().outputs.functionUrl,
    ]);
    expect(smoke().propertyDependencies.triggers).toContain(candidate().urn);
    expect(smoke().inputs.create).toContain("/healthz");
  });

  it("keeps the candidate private: a signed-only URL on the candidate alias, no public grant, requests signed", () => {
    expect(candidateUrl().inputs).toMatchObject({
      functionName: fn().outputs.name,
      qualifier: "candidate",
      authorizationType: "AWS_IAM",
    });
    expect(mocks.ofType(T.permission).filter((p) => p.inputs.qualifier === "candidate")).toEqual([]);
    expect(smoke().inputs.environment.OPSDECK_SMOKE_SIGV4_REGION).toBe(MOCK_REGION);
  });
});

describe("agent on the fleet", () => {
  const objects = () => mocks.ofType(T.object);

  it("uploads the built bundle under artifacts/opsdeck-<content hash>.tgz", () => {
    const upload = objects().find((o) => o.name === "opsdeck-dev-agent-bundle");

    expect(upload?.inputs).toMatchObject({
      bucket: bucketName,
      key: `artifacts/opsdeck-${bundle.sha256.slice(0, 16)}.tgz`,
      checksumAlgorithm: "SHA256",
      source: expect.objectContaining({ __pulumiAsset: true }),
    });
  });

  it("points at that bundle with its full sha256, written only after the bundle", () => {
    const pointer = objects().find((o) => o.inputs.key === "artifacts/agent/release.sha256");
    const upload = objects().find((o) => o.name === "opsdeck-dev-agent-bundle");

    expect(pointer?.inputs.content).toBe(`${bundle.sha256}  ${upload?.inputs.key}\n`);
    expect(pointer?.dependencies).toContain(upload?.urn);
    expect(mocks.one(T.instance, "opsdeck-dev-fleet-web01").inputs.userData).toContain(
      "OPSDECK_POINTER_KEY=artifacts/agent/release.sha256\n",
    );
  });

  it("keeps servers bootstrapped before the archive running: the launcher for this bundle under the pointer they read", () => {
    const legacyPointer = objects().find((o) => o.inputs.key === "artifacts/agent/current.sha256");
    const launcher = objects().find((o) => o.name === "opsdeck-dev-agent-legacy-launcher");
    const upload = objects().find((o) => o.name === "opsdeck-dev-agent-bundle");
    const launcherSha = createHash("sha256")
      .update(launcher?.inputs.content ?? "")
      .digest("hex");

    // The resource that has owned this key since the first agent, so an update rewrites the object in place.
    expect(legacyPointer?.name).toBe("opsdeck-dev-agent-pointer");
    expect(legacyPointer?.inputs.content).toBe(`${launcherSha}  ${launcher?.inputs.key}\n`);
    expect(launcher?.inputs.key).toBe(`artifacts/opsdeck-${launcherSha.slice(0, 16)}.js`);
    expect(launcher?.inputs.content).toContain(`"sha256":"${bundle.sha256}","key":"${upload?.inputs.key}"`);
    expect(legacyPointer?.dependencies).toContain(launcher?.urn);
    expect(launcher?.dependencies).toContain(upload?.urn);
  });

  it("gives each server its app config: the bucket as store, its own host name, its role's backup jobs", () => {
    const configOf = (server: string) =>
      JSON.parse(
        objects().find((o) => o.inputs.key === `artifacts/agent/${server}.json`)?.inputs.content ?? "{}",
      );

    for (const server of ["web01", "web02", "db01"]) {
      const config = configOf(server);
      expect(config.storage, server).toEqual({
        type: "s3",
        bucket: bucketName,
        prefix: "",
        region: MOCK_REGION,
      });
      expect(config.hosts.name, server).toBe(server);
      expect(config.backups.host, server).toBe(server);
    }
    expect(configOf("web01").backups.jobs).toEqual([{ label: "nginx-config", sources: ["/etc/nginx"] }]);
    expect(configOf("db01").backups.jobs[0].label).toBe("pg-config");
  });

  it("installs Node.js 22 and the opsdeck-agent service on every server's first boot, after the role's own steps", () => {
    for (const instance of mocks.ofType(T.instance)) {
      const userData: string = instance.inputs.userData;
      expect(userData, instance.name).toContain("dnf install -y nodejs22");
      expect(userData, instance.name).toContain(`OPSDECK_BUCKET=${bucketName}`);
      expect(userData, instance.name).toContain("systemctl enable --now opsdeck-agent.service");
      expect(userData.indexOf("opsdeck agent"), instance.name).toBeGreaterThan(
        userData.indexOf("systemctl enable --now"),
      );
    }
  });

  it("lets each server read its own config and the bundles, and write nothing new", () => {
    const read = (server: string) => policyOf(mocks.one(T.rolePolicy, `opsdeck-dev-agent-${server}-read`));
    const canGet = (server: string, key: string) =>
      isAllowed(read(server), { action: "s3:GetObject", resource: `${bucketArn}/${key}` });

    expect(canGet("web01", "artifacts/agent/web01.json")).toBe(true);
    expect(canGet("web01", "artifacts/agent/db01.json")).toBe(false);
    expect(canGet("db01", `artifacts/opsdeck-${bundle.sha256.slice(0, 16)}.tgz`)).toBe(true);
    expect(
      isAllowed(read("web01"), {
        action: "s3:PutObject",
        resource: `${bucketArn}/artifacts/agent/web01.json`,
      }),
    ).toBe(false);
    const web01Role = mocks.one(T.role, "opsdeck-dev-web01-role");
    expect(mocks.one(T.rolePolicy, "opsdeck-dev-agent-web01-read").inputs.role).toBe(web01Role.outputs.name);
  });

  it("stores no webhook parameter when the stack has no webhook", () => {
    expect(mocks.ofType(T.parameter)).toEqual([]);
    expect(mocks.one(T.instance, "opsdeck-dev-fleet-web01").inputs.userData).toContain(
      "OPSDECK_WEBHOOK_PARAMETER=\n",
    );
  });
});

describe("Kubernetes", () => {
  const pods = () => mocks.ofType(T.pod);

  it("renders the Namespace and the server Pod into k8s/rendered/dev through one explicit provider", () => {
    const provider = mocks.one(T.provider);

    expect(provider.inputs).toEqual({ renderYamlToDirectory: "k8s/rendered/dev" });
    expect(mocks.one(T.namespace).inputs.metadata.name).toBe("opsdeck");
    expect(pods().map((pod) => pod.inputs.metadata.name)).toEqual(["opsdeck-server"]);
    for (const resource of [mocks.one(T.namespace), ...pods()])
      expect(resource.provider?.startsWith(provider.urn), resource.name).toBe(true);
    expect(outputs.kubernetesManifests).toBe("k8s/rendered/dev");
  });

  it("every Pod is schema-valid and non-root", () => {
    for (const pod of pods()) {
      const manifest = new Pod({ metadata: pod.inputs.metadata, spec: pod.inputs.spec });
      expect(() => manifest.validate(), pod.name).not.toThrow();
      expect(pod.inputs.spec.securityContext.runAsNonRoot, pod.name).toBe(true);
      for (const container of pod.inputs.spec.containers)
        expect(container.securityContext, pod.name).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
        });
    }
  });

  it("runs the configured image with the app config stored on the Pod's volume", () => {
    const [container] = mocks.one(T.pod).inputs.spec.containers;
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
    );

    expect(container.image).toBe("opsdeck-server:dev");
    expect(JSON.parse(env.OPSDECK_CONFIG).storage).toEqual({ type: "local", dir: "/var/lib/opsdeck/data" });
    expect(mocks.ofType("opsdeck:images:ContainerImage")).toHaveLength(1);
  });

  it("refers to secrets in the Secret, never holding their values", () => {
    const [container] = mocks.one(T.pod).inputs.spec.containers;
    const secretEnv = container.env.filter(
      (e: { valueFrom?: { secretKeyRef?: unknown } }) => e.valueFrom?.secretKeyRef,
    );

    expect(secretEnv.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(["OPSDECK_DASHBOARD_TOKEN", "OPSDECK_ALERT_WEBHOOK_URL"]),
    );
    for (const entry of secretEnv) expect(entry.value, entry.name).toBeUndefined();
  });
});

describe("the delivery components", () => {
  it("parent every resource they create", () => {
    const delivery = [
      "opsdeck:images:ContainerImage",
      "opsdeck:dashboard:DashboardService",
      "opsdeck:compute:FleetAgent",
      "opsdeck:kubernetes:KubernetesPods",
    ];
    const children = delivery.flatMap(childrenOf);

    expect(children.length).toBeGreaterThan(20);
    for (const resource of mocks.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")))
      expect(mocks.byUrn(resource.parent ?? "")?.custom, resource.name).toBe(false);
  });
});
