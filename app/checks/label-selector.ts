/**
 * Validates a Kubernetes label selector (`app=web,tier!=cache,env in (prod,staging),!canary`) the
 * way the API server parses it (k8s.io/apimachinery labels.Parse), so a typo fails at config load
 * with the requirement named, not as a 400 from the cluster at every round. The `>`/`<` operators
 * (node affinity only) are not accepted.
 */

/** Label name part: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** Key prefix: a DNS-1123 subdomain (`app.kubernetes.io`). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const EXISTS = /^(!?)\s*([^\s!=(),<>]+)$/;
const EQUALITY = /^([^\s!=(),<>]+)\s*(==|=|!=)\s*([^\s!=(),<>]*)$/;
const SET = /^([^\s!=(),<>]+)\s+(in|notin)\s*\(([^()]*)\)$/;

/** Why `selector` is not a valid label selector, or undefined when it is. */
export function labelSelectorProblem(selector: string): string | undefined {
  if (selector.trim() === "") return "expected at least one requirement, e.g. app=web";
  const requirements = splitRequirements(selector);
  if (typeof requirements === "string") return requirements;
  for (const [index, requirement] of requirements.entries()) {
    const problem = requirementProblem(requirement.trim());
    if (problem) return `requirement ${index + 1} ("${requirement.trim()}"): ${problem}`;
  }
  return undefined;
}

/** Splits on commas outside `( … )`, since set values are comma-separated too. */
function splitRequirements(selector: string): string[] | string {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    if (depth < 0 || depth > 1) return `unbalanced parentheses at character ${i + 1}`;
    if (c === "," && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return "unbalanced parentheses: a ( is never closed";
  parts.push(selector.slice(start));
  return parts;
}

function requirementProblem(requirement: string): string | undefined {
  if (requirement === "") return "empty (a stray comma?)";
  const set = SET.exec(requirement);
  if (set) {
    const [, key = "", , list = ""] = set;
    const values = list.split(",").map((v) => v.trim());
    if (values.length === 1 && values[0] === "") return "a set needs at least one value";
    return keyProblem(key) ?? values.map(valueProblem).find((p) => p !== undefined);
  }
  const equality = EQUALITY.exec(requirement);
  if (equality) {
    const [, key = "", , value = ""] = equality;
    return keyProblem(key) ?? valueProblem(value);
  }
  const exists = EXISTS.exec(requirement);
  if (exists) return keyProblem(exists[2] ?? "");
  return "expected key, !key, key=value, key==value, key!=value, key in (a,b) or key notin (a,b)";
}

function keyProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
      return `key prefix "${prefix}" must be a DNS subdomain (lower-case, dots, at most 253 characters)`;
  }
  if (!NAME.test(name))
    return `key "${key}": the name must be at most 63 characters, letters, digits, "-", "_" or "." and start and end with a letter or digit`;
  return undefined;
}

function valueProblem(value: string): string | undefined {
  if (value === "" || NAME.test(value)) return undefined;
  return `value "${value}" must be at most 63 characters, letters, digits, "-", "_" or "." and start and end with a letter or digit`;
}
