/**
 * Runs opsdeck's policies over resources outside the Pulumi engine (the offline plan, the tests), with
 * the three outcomes a preview has: a check passes, fails, or cannot run because a value it reads is
 * unknown until deployment.
 */
import { isUnknownValue } from "../plan/mock-runtime";
import { type OpsdeckPolicy, opsdeckPolicies, type PolicySubject } from "./rules";

/** A check read a value only the cloud will know. */
export class UnknownValueError extends Error {
  override readonly name = "UnknownValueError";
  constructor(readonly path: string) {
    super(`${path} is unknown until deployment`);
  }
}

export interface PolicyFinding {
  urn: string;
  name: string;
  type: string;
  message: string;
}

export interface PolicyResult {
  policy: string;
  description: string;
  /** pass: checked and compliant; fail: violations; unknown: some checks could not run offline. */
  status: "pass" | "fail" | "unknown";
  /** How many resources the policy applied to. */
  checked: number;
  violations: PolicyFinding[];
  unknowns: PolicyFinding[];
}

export function evaluatePolicies(
  subjects: readonly PolicySubject[],
  policies: readonly OpsdeckPolicy[] = opsdeckPolicies,
): PolicyResult[] {
  const guarded = subjects.map(guardUnknowns);
  return policies.map((policy) => {
    const targets =
      policy.kind === "resource"
        ? guarded.filter((s) => policy.types.includes(s.type))
        : policy.targets(guarded);
    const violations: PolicyFinding[] = [];
    const unknowns: PolicyFinding[] = [];
    for (const target of targets) {
      const where = { urn: target.urn, name: target.name, type: target.type };
      try {
        const problems = policy.kind === "resource" ? policy.check(target) : policy.check(target, guarded);
        for (const message of problems) violations.push({ ...where, message });
      } catch (error) {
        if (!(error instanceof UnknownValueError)) throw error;
        unknowns.push({ ...where, message: error.message });
      }
    }
    const status = violations.length > 0 ? "fail" : unknowns.length > 0 ? "unknown" : "pass";
    return {
      policy: policy.name,
      description: policy.description,
      status,
      checked: targets.length,
      violations,
      unknowns,
    };
  });
}

/** Wraps a subject's properties so that reading an unknown value throws UnknownValueError naming its path. */
function guardUnknowns(subject: PolicySubject): PolicySubject {
  return { ...subject, props: guard(subject.props, `${subject.name}:`) as PolicySubject["props"] };
}

function guard(value: unknown, path: string): unknown {
  if (typeof value !== "object" || value === null) return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const inner = Reflect.get(target, key, receiver);
      if (typeof key === "symbol") return inner;
      const innerPath =
        Array.isArray(target) && /^\d+$/.test(key)
          ? `${path}[${key}]`
          : path.endsWith(":")
            ? `${path} ${key}`
            : `${path}.${key}`;
      if (isUnknownValue(inner)) throw new UnknownValueError(innerPath);
      return guard(inner, innerPath);
    },
  });
}
