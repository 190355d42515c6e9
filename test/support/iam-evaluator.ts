/**
 * A small evaluator for the identity policies opsdeck writes: is an action on a resource allowed?
 * It understands Allow/Deny, action and resource wildcards (`*`, `?`), and the `StringLike` and `Bool`
 * conditions, which is all opsdeck's policies use. An explicit Deny wins, as in IAM.
 */
import type { PolicyDocument } from "../../infra/rules/policy-document";

export interface AccessRequest {
  action: string;
  resource: string;
  /** Request context keys, e.g. `{ "s3:prefix": "backups/web01/" }` for ListBucket. */
  context?: Record<string, string>;
}

export function isAllowed(policy: PolicyDocument, request: AccessRequest): boolean {
  const matching = policy.Statement.filter(
    (statement) =>
      list(statement.Action).some((pattern) => wildcard(pattern, request.action, true)) &&
      list(statement.Resource ?? "*").some((pattern) => wildcard(pattern, request.resource, false)) &&
      conditionsHold(statement.Condition, request.context ?? {}),
  );
  if (matching.some((statement) => statement.Effect === "Deny")) return false;
  return matching.some((statement) => statement.Effect === "Allow");
}

function conditionsHold(
  condition: PolicyDocument["Statement"][number]["Condition"],
  context: Record<string, string>,
): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    if (operator !== "StringLike" && operator !== "Bool")
      throw new Error(`the evaluator does not know condition operator ${operator}`);
    for (const [key, expected] of Object.entries(entries)) {
      const value = context[key];
      if (value === undefined) return false;
      const matches =
        operator === "Bool"
          ? list(expected).includes(value)
          : list(expected).some((pattern) => wildcard(pattern, value, false));
      if (!matches) return false;
    }
  }
  return true;
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** IAM wildcards: `*` any run of characters (slashes included), `?` one character. Actions ignore case. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}
