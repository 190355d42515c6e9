/**
 * Policies for rules AWS itself enforces (or silently relies on) that the provider accepts without
 * complaint: a stack that breaks them deploys, then fails at the first request (a 403 from a Function
 * URL, a schedule that never runs, an ALB create error, a KMS AccessDenied, a ListBucket that never
 * matches). Each links resources through their property dependencies, as the S3 policies do.
 */
import type { OpsdeckPolicy, PolicySubject } from "./rules";

const FUNCTION = "aws:lambda/function:Function";
const ALIAS = "aws:lambda/alias:Alias";
const PERMISSION = "aws:lambda/permission:Permission";
const FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl";
const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const SUBNET = "aws:ec2/subnet:Subnet";
const KMS_KEY = "aws:kms/key:Key";
const KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const IAM_POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const strings = (value: unknown): string[] => list(value).map(String);
const deps = (subject: PolicySubject, ...keys: string[]): string[] =>
  keys.flatMap((key) => subject.propertyDependencies[key] ?? []);
const overlaps = (a: readonly string[], b: readonly string[]) => a.some((item) => b.includes(item));

function statementsOf(document: unknown): Statement[] {
  const parsed = typeof document === "string" ? JSON.parse(document) : document;
  return list((parsed as { Statement?: unknown } | undefined)?.Statement) as Statement[];
}

/** IAM action patterns (`kms:*`, `s3:Get*`) match case-insensitively, `*` and `?` as wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(action);
}

// ------------------------------------------------------------------- Lambda resource-policy grants

/**
 * What a caller invokes: a function (by its URNs or, for literal fixtures, its name) and the version or
 * alias it names. A grant reaches exactly that qualifier: one on the function does not reach its
 * aliases, one on alias `live` does not reach the function or another alias.
 */
interface InvokedLambda {
  functionUrns: readonly string[];
  /** The function's name or ARN as written; read only when no dependency links a grant. */
  functionName: () => unknown;
  /** An alias name or version number; undefined for the unqualified function. */
  qualifier: string | undefined;
}

/** `arn:aws:lambda:region:account:function:name[:qualifier]`, `account:function:name[:q]` or `name[:q]`. */
function splitFunctionReference(reference: string): { name: string; qualifier: string | undefined } {
  const match = /^(?:arn:aws[a-z-]*:lambda:[^:]*:)?(?:\d{12}:function:)?([^:]+)(?::([^:]+))?$/.exec(
    reference,
  );
  return match?.[1] === undefined
    ? { name: reference, qualifier: undefined }
    : { name: match[1], qualifier: match[2] };
}

/** Where a permission grants: linked through its `function` dependency, or by a literal name or ARN. */
function grantTarget(
  permission: PolicySubject,
  lambda: InvokedLambda,
): { sameFunction: boolean; qualifier: string | undefined } {
  const explicit = permission.props.qualifier as string | undefined;
  if (overlaps(deps(permission, "function"), lambda.functionUrns))
    return { sameFunction: true, qualifier: explicit };
  // Read only when needed: a name unknown until deployment must not decide a linked pair.
  const given = permission.props.function;
  const wanted = lambda.functionName();
  if (typeof given !== "string" || typeof wanted !== "string" || wanted === "")
    return { sameFunction: false, qualifier: explicit };
  const grant = splitFunctionReference(given);
  return {
    sameFunction: grant.name === splitFunctionReference(wanted).name,
    qualifier: explicit ?? grant.qualifier,
  };
}

const describeQualifier = (qualifier: string | undefined) =>
  qualifier === undefined ? "the unqualified function" : `qualifier ${qualifier}`;

/** The grants of `subjects` matching `wanted` on the invoked function, and the qualifiers they missed on. */
function grantsOn(
  lambda: InvokedLambda,
  subjects: readonly PolicySubject[],
  wanted: (permission: PolicySubject) => boolean,
): { grants: PolicySubject[]; elsewhere: string[] } {
  const grants: PolicySubject[] = [];
  const elsewhere = new Set<string>();
  for (const subject of subjects) {
    if (subject.type !== PERMISSION || !wanted(subject)) continue;
    const target = grantTarget(subject, lambda);
    if (!target.sameFunction) continue;
    if (target.qualifier === lambda.qualifier) grants.push(subject);
    else elsewhere.add(describeQualifier(target.qualifier));
  }
  return { grants, elsewhere: [...elsewhere] };
}

/** Says where the near-miss grants are, since a grant on another qualifier looks right at a glance. */
const missedOn = (elsewhere: readonly string[], lambda: InvokedLambda) =>
  elsewhere.length === 0
    ? ""
    : `; it is granted on ${elsewhere.join(" and ")}, which does not reach ${describeQualifier(lambda.qualifier)}`;

// ------------------------------------------------------------------------------ Lambda Function URLs

/**
 * Since October 2025 a new Function URL with authType NONE answers 403 unless the function's policy
 * grants BOTH lambda:InvokeFunctionUrl (functionUrlAuthType NONE) and lambda:InvokeFunction to "*". The
 * InvokeFunction grant must carry lambda:InvokedViaFunctionUrl, or anyone could call the Invoke API.
 * A URL on an alias needs the grants on that alias (the same qualifier).
 */
function publicUrlPermissionProblems(url: PolicySubject, subjects: readonly PolicySubject[]): string[] {
  const lambda: InvokedLambda = {
    functionUrns: deps(url, "functionName"),
    functionName: () => url.props.functionName,
    qualifier: url.props.qualifier as string | undefined,
  };
  const where = lambda.qualifier === undefined ? "" : `, qualifier ${lambda.qualifier}`;
  const toEveryone = (permission: PolicySubject) => permission.props.principal === "*";
  const urlGrant = grantsOn(
    lambda,
    subjects,
    (p) =>
      toEveryone(p) &&
      p.props.action === "lambda:InvokeFunctionUrl" &&
      p.props.functionUrlAuthType === "NONE",
  );
  const invokeGrant = grantsOn(
    lambda,
    subjects,
    (p) =>
      toEveryone(p) && p.props.action === "lambda:InvokeFunction" && p.props.invokedViaFunctionUrl === true,
  );
  const problems: string[] = [];
  if (urlGrant.grants.length === 0)
    problems.push(
      `public URL (authorizationType NONE${where}) has no lambda:InvokeFunctionUrl permission for principal "*" with functionUrlAuthType NONE${missedOn(urlGrant.elsewhere, lambda)}`,
    );
  if (invokeGrant.grants.length === 0)
    problems.push(
      `public URL (authorizationType NONE${where}) has no lambda:InvokeFunction permission for principal "*" with invokedViaFunctionUrl: true (required since October 2025)${missedOn(invokeGrant.elsewhere, lambda)}`,
    );
  return problems;
}

// ----------------------------------------------------------------------------------- EventBridge

/** An EventBridge target on a Lambda function (or alias) — by dependency, or by a literal Lambda ARN. */
function targetsLambda(target: PolicySubject, subjects: readonly PolicySubject[]): boolean {
  const lambdaUrns = subjects.filter((s) => s.type === FUNCTION || s.type === ALIAS).map((s) => s.urn);
  if (overlaps(deps(target, "arn"), lambdaUrns)) return true;
  try {
    return /^arn:aws[a-z-]*:lambda:/.test(String(target.props.arn));
  } catch {
    // An ARN unknown until deployment may be a Lambda's: let the check run and report it unknown.
    return true;
  }
}

/**
 * What a target's ARN invokes. An alias's ARN (`arn: alias.arn`) invokes that alias of the function the
 * alias names; otherwise the ARN's own suffix says (a function's `arn` has none, `qualifiedArn` a version).
 */
function lambdaOfTarget(target: PolicySubject, subjects: readonly PolicySubject[]): InvokedLambda {
  const arnDeps = deps(target, "arn");
  const alias = subjects.find((s) => s.type === ALIAS && arnDeps.includes(s.urn));
  if (alias !== undefined)
    return {
      functionUrns: deps(alias, "functionName"),
      functionName: () => alias.props.functionName,
      qualifier: String(alias.props.name),
    };
  const arn: unknown = target.props.arn;
  return {
    functionUrns: arnDeps,
    functionName: () => arn,
    qualifier: typeof arn === "string" ? splitFunctionReference(arn).qualifier : undefined,
  };
}

/**
 * EventBridge invokes a Lambda target through the function's resource policy, not a role: without a
 * permission for events.amazonaws.com on the very qualifier it invokes, the rule fires and every
 * invocation fails. The permission's sourceArn must be this rule, so no other rule (or account) can
 * invoke the function.
 */
function eventTargetPermissionProblems(target: PolicySubject, subjects: readonly PolicySubject[]): string[] {
  const lambda = lambdaOfTarget(target, subjects);
  const ruleUrns = deps(target, "rule");
  // The name only labels messages and links literal fixtures; a rule named at deployment stays unread.
  const ruleName = () => String(target.props.rule);
  const { grants: invokes, elsewhere } = grantsOn(
    lambda,
    subjects,
    (p) =>
      p.props.principal === "events.amazonaws.com" &&
      actionMatches(String(p.props.action), "lambda:InvokeFunction"),
  );
  const what =
    lambda.qualifier === undefined
      ? "a Lambda function that has"
      : `a Lambda function's qualifier ${lambda.qualifier}, which has`;
  if (invokes.length === 0)
    return [
      `targets ${what} no lambda:InvokeFunction permission for principal events.amazonaws.com (rule ${ruleName()})${missedOn(elsewhere, lambda)}`,
    ];
  const fromThisRule = invokes.some((permission) =>
    ruleUrns.length > 0
      ? overlaps(deps(permission, "sourceArn"), ruleUrns)
      : String(permission.props.sourceArn ?? "").endsWith(`:rule/${ruleName()}`),
  );
  return fromThisRule
    ? []
    : [
        `the events.amazonaws.com permission on its Lambda function is not limited to rule ${ruleName()} (sourceArn: the rule's ARN)`,
      ];
}

// --------------------------------------------------------------------------------- load balancers

/**
 * AWS rejects an Application Load Balancer whose subnets are not in at least two Availability Zones
 * (one subnet per zone counts). Subnet ids alone do not say their zone: the zones are checked for
 * subnets the stack declares; looked-up subnets count as distinct ids only (the default subnets the
 * program looks up are `default-for-az`, one per zone).
 */
function albZoneProblems(alb: PolicySubject, subjects: readonly PolicySubject[]): string[] {
  const ids = new Set([
    ...strings(alb.props.subnets),
    ...list(alb.props.subnetMappings).map((mapping) => String((mapping as { subnetId?: unknown }).subnetId)),
  ]);
  if (ids.size < 2)
    return [
      `application load balancer has ${ids.size} subnet(s) (subnets/subnetMappings); AWS requires subnets in at least two Availability Zones`,
    ];
  const declared = subjects.filter(
    (subject) => subject.type === SUBNET && deps(alb, "subnets", "subnetMappings").includes(subject.urn),
  );
  if (declared.length === 0) return [];
  const zones = new Set(
    declared.map((subnet) => String(subnet.props.availabilityZone ?? subnet.props.availabilityZoneId)),
  );
  return zones.size >= 2
    ? []
    : [
        `application load balancer's subnets are all in one Availability Zone (${[...zones].join(", ")}); AWS requires at least two`,
      ];
}

// --------------------------------------------------------------------------------------- S3 grants

const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[^/]+$/;
const OBJECT_ARN = /^arn:aws[a-z-]*:s3:::[^/]+\/.+$/;
/** Actions authorised against object ARNs (s3:ListBucketMultipartUploads is a bucket action). */
const OBJECT_ACTION = /^s3:(\w*Object\w*|AbortMultipartUpload|ListMultipartUploadParts)$/i;

/**
 * s3:ListBucket is authorised against the bucket ARN — on an object ARN it matches nothing and every
 * listing is denied — and without an s3:prefix condition it lists every key in the bucket. Object
 * actions are authorised against object ARNs; on the bucket ARN they grant nothing.
 */
function s3GrantProblems(subject: PolicySubject): string[] {
  return statementsOf(subject.props.policy).flatMap((statement, index) => {
    if (statement.Effect !== "Allow") return [];
    const where = `statement ${statement.Sid ?? index}`;
    const actions = strings(statement.Action);
    const resources = strings(statement.Resource);
    const problems: string[] = [];
    if (actions.some((action) => action.toLowerCase() === "s3:listbucket")) {
      const wrong = resources.filter((resource) => !BUCKET_ARN.test(resource));
      if (wrong.length > 0)
        problems.push(`${where}: s3:ListBucket on ${wrong.join(", ")} (must be the bucket ARN, not objects)`);
      const conditions = Object.values(statement.Condition ?? {});
      if (!conditions.some((operator) => Object.keys(operator).includes("s3:prefix")))
        problems.push(`${where}: s3:ListBucket without an s3:prefix condition lists the whole bucket`);
    }
    const objectActions = actions.filter((action) => OBJECT_ACTION.test(action));
    if (objectActions.length > 0) {
      const wrong = resources.filter((resource) => !OBJECT_ARN.test(resource));
      if (wrong.length > 0)
        problems.push(
          `${where}: ${objectActions.join(", ")} on ${wrong.join(", ")} (must be object ARNs, bucket/key)`,
        );
    }
    return problems;
  });
}

// --------------------------------------------------------------------------------------------- KMS

interface KeyUse {
  /** The role's URN (the role a RolePolicy or attachment names). */
  role: string;
  actions: string[];
}

/** Who uses `key`: roles whose inline or attached policy grants KMS actions and depends on the key. */
function keyUses(key: PolicySubject, subjects: readonly PolicySubject[]): KeyUse[] {
  const kmsActions = (policy: PolicySubject) =>
    statementsOf(policy.props.policy)
      .filter((statement) => statement.Effect === "Allow")
      .flatMap((statement) => strings(statement.Action))
      .filter((action) => action.toLowerCase().startsWith("kms:"));
  const usesKey = (policy: PolicySubject) => deps(policy, "policy").includes(key.urn);
  const inline = subjects
    .filter((s) => s.type === ROLE_POLICY && usesKey(s))
    .flatMap((policy) => deps(policy, "role").map((role) => ({ role, actions: kmsActions(policy) })));
  const managed = subjects.filter((s) => s.type === IAM_POLICY && usesKey(s));
  const attached = subjects
    .filter((s) => s.type === ROLE_POLICY_ATTACHMENT)
    .flatMap((attachment) =>
      managed
        .filter((policy) => deps(attachment, "policyArn").includes(policy.urn))
        .flatMap((policy) => deps(attachment, "role").map((role) => ({ role, actions: kmsActions(policy) }))),
    );
  return [...inline, ...attached].filter((use) => use.actions.length > 0);
}

const ACCOUNT_ROOT = /^(arn:aws[a-z-]*:iam::\d{12}:root|\d{12})$/;

/**
 * A KMS key is usable only by principals its key policy allows. A key with no policy of its own gets
 * AWS's default key policy, which lets the account's IAM policies grant access (so a role's IAM grant
 * suffices). An explicit policy must either keep that account statement for the actions the roles use,
 * or name each role that uses the key (its `policy` depends on the role).
 */
function keyPolicyProblems(key: PolicySubject, subjects: readonly PolicySubject[]): string[] {
  const separate = subjects.filter((s) => s.type === KMS_KEY_POLICY && deps(s, "keyId").includes(key.urn));
  const documents = [
    ...(key.props.policy === undefined ? [] : [{ policy: key.props.policy, named: deps(key, "policy") }]),
    ...separate.map((s) => ({ policy: s.props.policy, named: deps(s, "policy") })),
  ];
  if (documents.length === 0) return [];
  const allows = documents.flatMap(({ policy, named }) =>
    statementsOf(policy)
      .filter((statement) => statement.Effect === "Allow")
      .map((statement) => {
        const principal = statement.Principal as { AWS?: unknown } | string | undefined;
        const aws = typeof principal === "string" ? [principal] : strings(principal?.AWS);
        return { actions: strings(statement.Action), root: aws.some((p) => ACCOUNT_ROOT.test(p)), named };
      }),
  );
  return keyUses(key, subjects).flatMap((use) => {
    const roleName = use.role.split("::").pop() ?? use.role;
    const missing = use.actions.filter(
      (action) =>
        !allows.some(
          (allow) =>
            (allow.root || allow.named.includes(use.role)) &&
            allow.actions.some((pattern) => actionMatches(pattern, action)),
        ),
    );
    return missing.length === 0
      ? []
      : [`key policy does not allow role ${roleName} to use the key (${missing.join(", ")})`];
  });
}

// ----------------------------------------------------------------------------------------- the list

export const awsSemanticsPolicies: readonly OpsdeckPolicy[] = [
  {
    kind: "stack",
    name: "lambda-public-url-permissions",
    description:
      'Lambda Function URLs with authType NONE grant "*" both lambda:InvokeFunctionUrl and lambda:InvokeFunction (via the URL only) on the URL\'s qualifier, as AWS requires since October 2025.',
    targets: (subjects) =>
      subjects.filter((s) => s.type === FUNCTION_URL && s.props.authorizationType === "NONE"),
    check: publicUrlPermissionProblems,
  },
  {
    kind: "stack",
    name: "alb-two-availability-zones",
    description:
      "Application Load Balancers have subnets in at least two Availability Zones, as AWS requires.",
    targets: (subjects) =>
      subjects.filter(
        (s) => s.type === LOAD_BALANCER && (s.props.loadBalancerType ?? "application") === "application",
      ),
    check: albZoneProblems,
  },
  {
    kind: "resource",
    name: "s3-list-bucket-on-bucket-with-prefix",
    description:
      "IAM policies grant s3:ListBucket on bucket ARNs with an s3:prefix condition, and object actions on object ARNs.",
    types: [ROLE_POLICY, IAM_POLICY],
    check: s3GrantProblems,
  },
  {
    kind: "stack",
    name: "kms-key-policy-allows-users",
    description:
      "A customer-managed KMS key's key policy allows every role whose IAM policy uses the key (AWS's default key policy delegates to IAM).",
    targets: (subjects) => subjects.filter((s) => s.type === KMS_KEY),
    check: keyPolicyProblems,
  },
  {
    kind: "stack",
    name: "eventbridge-lambda-permission",
    description:
      "EventBridge targets on Lambda have a lambda:InvokeFunction permission for events.amazonaws.com whose sourceArn is the rule, on the version or alias the target invokes.",
    targets: (subjects) => subjects.filter((s) => s.type === EVENT_TARGET && targetsLambda(s, subjects)),
    check: eventTargetPermissionProblems,
  },
];
