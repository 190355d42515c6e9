/**
 * The AWS-semantics policies (infra/policy/aws-semantics.ts) over the dev stack's real output: each
 * applies to the resources the program registers and passes them, and each fails once the real shape
 * is bent into the mistake it guards against (a dropped permission, one subnet, an object-ARN listing,
 * a key policy missing a role, a permission open to any rule).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { policySubjects } from "../../infra/plan/policy-subjects";
import { evaluatePolicies, type PolicyResult } from "../../infra/policy/evaluate";
import { opsdeckPolicies, type PolicySubject } from "../../infra/policy/rules";
import { readStackConfig } from "../support/pulumi-mocks";
import { buildStack } from "./build-stack";

let real: PolicySubject[];

beforeAll(async () => {
  const { config, secretKeys } = readStackConfig("dev");
  const { mocks } = await buildStack({ project: "opsdeck", stack: "dev", config, secretKeys });
  real = policySubjects(mocks.resources);
});

/** A deep copy of the real subjects, so one scenario's edit does not leak into the next. */
const copy = (): PolicySubject[] => structuredClone(real);

function run(policy: string, subjects: readonly PolicySubject[]): PolicyResult {
  const result = evaluatePolicies(
    subjects,
    opsdeckPolicies.filter((p) => p.name === policy),
  )[0];
  if (result === undefined) throw new Error(`no policy ${policy}`);
  return result;
}

const messages = (result: PolicyResult) => result.violations.map((v) => `${v.name}: ${v.message}`);
const only = (subjects: PolicySubject[], type: string, nameEnd = ""): PolicySubject => {
  const found = subjects.filter((s) => s.type === type && s.name.endsWith(nameEnd));
  if (found.length !== 1) throw new Error(`expected one ${type} ending ${nameEnd}, found ${found.length}`);
  return found[0] as PolicySubject;
};

describe("on the dev stack's own resources", () => {
  it.each([
    ["lambda-public-url-permissions", 1],
    ["alb-two-availability-zones", 1],
    ["kms-key-policy-allows-users", 1],
    ["eventbridge-lambda-permission", 1],
  ] as const)("%s checks the %i resource(s) it is about and passes", (policy, count) => {
    const result = run(policy, real);

    expect(result).toMatchObject({ status: "pass", checked: count, violations: [] });
  });

  it("s3-list-bucket-on-bucket-with-prefix checks every role policy (the dashboard's and each server's) and passes", () => {
    const result = run("s3-list-bucket-on-bucket-with-prefix", real);
    const rolePolicies = real.filter((s) => s.type === "aws:iam/rolePolicy:RolePolicy");

    expect(rolePolicies.length).toBeGreaterThanOrEqual(4);
    expect(result).toMatchObject({ status: "pass", checked: rolePolicies.length, violations: [] });
  });
});

describe("fails the dev stack bent into the wrong shape", () => {
  it("a public Function URL with only the lambda:InvokeFunctionUrl permission (the pre-October-2025 shape)", () => {
    const subjects = copy().filter((s) => !s.name.endsWith("-url-invoke"));

    const result = run("lambda-public-url-permissions", subjects);

    expect(result.status).toBe("fail");
    expect(messages(result)).toEqual([
      expect.stringMatching(
        /url: .*no lambda:InvokeFunction permission for principal "\*" with invokedViaFunctionUrl/,
      ),
    ]);
  });

  it("a public Function URL whose InvokeFunction grant is not limited to URL calls", () => {
    const subjects = copy();
    delete only(subjects, "aws:lambda/permission:Permission", "-url-invoke").props.invokedViaFunctionUrl;

    expect(run("lambda-public-url-permissions", subjects).status).toBe("fail");
  });

  it("an ALB over a single subnet", () => {
    const subjects = copy();
    const alb = only(subjects, "aws:lb/loadBalancer:LoadBalancer");
    alb.props.subnets = alb.props.subnets.slice(0, 1);

    expect(messages(run("alb-two-availability-zones", subjects))).toEqual([
      expect.stringMatching(/has 1 subnet\(s\).*at least two Availability Zones/),
    ]);
  });

  it("the dashboard role listing the bucket through object ARNs, without an s3:prefix condition", () => {
    const subjects = copy();
    const access = only(subjects, "aws:iam/rolePolicy:RolePolicy", "dashboard-access");
    const document = JSON.parse(access.props.policy);
    const list = document.Statement.find((s: { Sid?: string }) => s.Sid === "ListStatusPrefixes");
    list.Resource = `${list.Resource}/*`;
    delete list.Condition;
    access.props.policy = JSON.stringify(document);

    const result = run("s3-list-bucket-on-bucket-with-prefix", subjects);

    expect(messages(result)).toEqual([
      expect.stringMatching(
        /statement ListStatusPrefixes: s3:ListBucket on arn:aws:s3:::.*\/\* \(must be the bucket ARN/,
      ),
      expect.stringMatching(/statement ListStatusPrefixes: s3:ListBucket without an s3:prefix condition/),
    ]);
  });

  it("a server role writing its objects on the bucket ARN", () => {
    const subjects = copy();
    const web01 = only(subjects, "aws:iam/rolePolicy:RolePolicy", "web01-backup-access");
    const document = JSON.parse(web01.props.policy);
    const own = document.Statement.find((s: { Sid?: string }) => s.Sid === "OwnObjects");
    own.Resource = own.Resource[0].split("/")[0];
    web01.props.policy = JSON.stringify(document);

    expect(messages(run("s3-list-bucket-on-bucket-with-prefix", subjects))).toEqual([
      expect.stringMatching(/statement OwnObjects: s3:PutObject, .* \(must be object ARNs/),
    ]);
  });

  it("a key policy that names only the dashboard role, while every server role uses the key too", () => {
    const subjects = copy();
    const key = only(subjects, "aws:kms/key:Key");
    const dashboardRole = only(subjects, "aws:iam/role:Role", "dashboard-role");
    const users = subjects.filter(
      (s) =>
        s.type === "aws:iam/rolePolicy:RolePolicy" && (s.propertyDependencies.policy ?? []).includes(key.urn),
    );
    key.props.policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:role/dashboard" },
          Action: "kms:*",
          Resource: "*",
        },
      ],
    });
    key.propertyDependencies.policy = [dashboardRole.urn];

    const result = run("kms-key-policy-allows-users", subjects);

    // The dashboard and the three servers use the key; only the three server roles are left out.
    expect(users).toHaveLength(4);
    expect(result.violations).toHaveLength(3);
    expect(messages(result).join("\n")).not.toContain("dashboard-role");
    for (const server of ["web01", "web02", "db01"])
      expect(messages(result).join("\n")).toMatch(
        new RegExp(`does not allow role \\S*${server}\\S* to use the key`),
      );
  });

  it("a key policy that keeps the account statement passes every role that uses the key", () => {
    const subjects = copy();
    only(subjects, "aws:kms/key:Key").props.policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: "kms:*",
          Resource: "*",
        },
      ],
    });

    expect(run("kms-key-policy-allows-users", subjects).status).toBe("pass");
  });

  it("the checks schedule without its events.amazonaws.com permission", () => {
    const subjects = copy().filter((s) => !s.name.endsWith("-checks-invoke"));

    expect(messages(run("eventbridge-lambda-permission", subjects))).toEqual([
      expect.stringMatching(
        /checks-target: targets a Lambda function's qualifier live, which has no lambda:InvokeFunction permission for principal events.amazonaws.com \(rule [^)]+\)$/,
      ),
    ]);
  });

  it("a public URL on the live alias whose two grants are on the unqualified function", () => {
    const subjects = copy();
    for (const suffix of ["-url-public", "-url-invoke"]) {
      const permission = only(subjects, "aws:lambda/permission:Permission", suffix);
      delete permission.props.qualifier;
      delete permission.propertyDependencies.qualifier;
    }

    expect(messages(run("lambda-public-url-permissions", subjects))).toEqual([
      expect.stringMatching(
        /url: public URL \(authorizationType NONE, qualifier live\) has no lambda:InvokeFunctionUrl permission .*; it is granted on the unqualified function, which does not reach qualifier live$/,
      ),
      expect.stringMatching(
        /url: public URL \(authorizationType NONE, qualifier live\) has no lambda:InvokeFunction permission .*; it is granted on the unqualified function, which does not reach qualifier live$/,
      ),
    ]);
  });

  it("the checks schedule invoking the live alias while EventBridge may invoke only the unqualified function", () => {
    const subjects = copy();
    const invoke = only(subjects, "aws:lambda/permission:Permission", "-checks-invoke");
    delete invoke.props.qualifier;
    delete invoke.propertyDependencies.qualifier;

    expect(messages(run("eventbridge-lambda-permission", subjects))).toEqual([
      expect.stringMatching(
        /checks-target: targets a Lambda function's qualifier live, .*; it is granted on the unqualified function, which does not reach qualifier live$/,
      ),
    ]);
  });

  it("the checks schedule invoking the unqualified function while its permission is on the live alias", () => {
    const subjects = copy();
    const fn = only(subjects, "aws:lambda/function:Function");
    const target = only(subjects, "aws:cloudwatch/eventTarget:EventTarget");
    target.props.arn = `arn:aws:lambda:eu-west-1:123456789012:function:${fn.name}`;
    target.propertyDependencies.arn = [fn.urn];

    expect(messages(run("eventbridge-lambda-permission", subjects))).toEqual([
      expect.stringMatching(
        /checks-target: targets a Lambda function that has no .*; it is granted on qualifier live, which does not reach the unqualified function$/,
      ),
    ]);
  });

  it("the checks schedule's permission open to any rule (no sourceArn)", () => {
    const subjects = copy();
    const invoke = only(subjects, "aws:lambda/permission:Permission", "-checks-invoke");
    delete invoke.props.sourceArn;
    delete invoke.propertyDependencies.sourceArn;

    expect(messages(run("eventbridge-lambda-permission", subjects))).toEqual([
      expect.stringMatching(/is not limited to rule .* \(sourceArn: the rule's ARN\)/),
    ]);
  });
});

describe("with literal references, as a hand-written program or a fixture gives them", () => {
  const rule = "arn:aws:events:eu-west-1:123456789012:rule/nightly";
  const literal = (type: string, name: string, props: Record<string, unknown>): PolicySubject => ({
    urn: `urn:pulumi:t::opsdeck::${type}::${name}`,
    type,
    name,
    props,
    propertyDependencies: {},
  });
  const scheduleOnAlias = (permissionFunction: string, qualifier?: string) => [
    literal("aws:cloudwatch/eventTarget:EventTarget", "nightly-target", {
      rule: "nightly",
      arn: "arn:aws:lambda:eu-west-1:123456789012:function:dash:live",
    }),
    literal("aws:lambda/permission:Permission", "nightly-invoke", {
      function: permissionFunction,
      ...(qualifier === undefined ? {} : { qualifier }),
      action: "lambda:InvokeFunction",
      principal: "events.amazonaws.com",
      sourceArn: rule,
    }),
  ];

  it.each([
    ["the qualifier field", "dash", "live"],
    ["a name:alias function", "dash:live", undefined],
    ["a qualified function ARN", "arn:aws:lambda:eu-west-1:123456789012:function:dash:live", undefined],
  ] as const)("a schedule on an alias passes with the grant's qualifier in %s", (_how, fn, qualifier) => {
    expect(run("eventbridge-lambda-permission", scheduleOnAlias(fn, qualifier))).toMatchObject({
      status: "pass",
      checked: 1,
    });
  });

  it("a schedule on an alias fails with the grant on another alias of the same function", () => {
    expect(messages(run("eventbridge-lambda-permission", scheduleOnAlias("dash", "candidate")))).toEqual([
      expect.stringMatching(/it is granted on qualifier candidate, which does not reach qualifier live$/),
    ]);
  });
});

describe("on a stack with no KMS key (AES256) and a signed (AWS_IAM) Function URL", () => {
  let results: PolicyResult[];

  beforeAll(async () => {
    const { mocks } = await buildStack({
      stack: "prod",
      config: {
        "opsdeck:backupBucket": { encryption: "AES256" },
        "opsdeck:dashboard": { urlAuth: "AWS_IAM" },
      },
    });
    results = evaluatePolicies(policySubjects(mocks.resources));
  });

  const result = (policy: string) => results.find((r) => r.policy === policy);

  it("has no key for the key-policy rule and no public URL for the URL rule to check", () => {
    expect(result("kms-key-policy-allows-users")).toMatchObject({ status: "pass", checked: 0 });
    expect(result("lambda-public-url-permissions")).toMatchObject({ status: "pass", checked: 0 });
  });

  it("still checks and passes the load balancer, the role policies and the schedule", () => {
    for (const policy of [
      "alb-two-availability-zones",
      "s3-list-bucket-on-bucket-with-prefix",
      "eventbridge-lambda-permission",
    ])
      expect(result(policy)?.checked, policy).toBeGreaterThan(0);
    expect(results.filter((r) => r.status !== "pass")).toEqual([]);
  });
});
