/**
 * opsdeck's policies as @pulumi/policy policies, for `pulumi preview --policy-pack infra/policy`.
 * Separate from index.ts, which starts the policy pack server, so tests can run these directly.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { type OpsdeckPolicy, opsdeckPolicies, type PolicySubject } from "./rules";

function subjectOf(resource: {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
}): PolicySubject {
  const dependencies = (resource as Partial<PolicyResource>).propertyDependencies ?? {};
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: resource.props,
    propertyDependencies: Object.fromEntries(
      Object.entries(dependencies).map(([property, resources]) => [property, resources.map((r) => r.urn)]),
    ),
  };
}

function toPulumiPolicy(policy: OpsdeckPolicy): ResourceValidationPolicy | StackValidationPolicy {
  const common = {
    name: policy.name,
    description: policy.description,
    enforcementLevel: "mandatory" as const,
  };
  if (policy.kind === "resource")
    return {
      ...common,
      validateResource: (args, reportViolation: ReportViolation) => {
        if (!policy.types.includes(args.type)) return;
        for (const message of policy.check(subjectOf(args))) reportViolation(message, args.urn);
      },
    };
  return {
    ...common,
    validateStack: (args, reportViolation: ReportViolation) => {
      const subjects = args.resources.map(subjectOf);
      for (const target of policy.targets(subjects))
        for (const message of policy.check(target, subjects))
          reportViolation(`${target.name}: ${message}`, target.urn);
    },
  };
}

/** Every opsdeck policy, mandatory: a violation fails `pulumi preview` and `pulumi up`. */
export function policyPackPolicies(): (ResourceValidationPolicy | StackValidationPolicy)[] {
  return opsdeckPolicies.map(toPulumiPolicy);
}
