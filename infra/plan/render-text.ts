import { type Plan, type PlanResource, SECRET, UNKNOWN } from "./plan";

const MAX_VALUE = 100;

/** The plan for a terminal: banner, resource tree with key inputs, outputs, policy results, notes. */
export function renderPlanText(plan: Plan): string {
  const lines: string[] = [plan.banner, ""];
  const providers = new Map<string, number>();
  for (const [type, count] of Object.entries(plan.summary.byType)) {
    const provider = type.split(":")[0] ?? type;
    providers.set(provider, (providers.get(provider) ?? 0) + count);
  }
  const byProvider = [...providers].map(([provider, count]) => `${provider} ${count}`).join(", ");
  lines.push(`Stack ${plan.project}/${plan.stack}: ${plan.summary.resources} resources (${byProvider})`, "");

  lines.push("Resources (type  name; key inputs, tags left out: see plan.json)");
  const children = new Map<string | undefined, PlanResource[]>();
  for (const resource of plan.resources) {
    const siblings = children.get(resource.parent) ?? [];
    siblings.push(resource);
    children.set(resource.parent, siblings);
  }
  const walk = (parent: string | undefined, depth: number) => {
    for (const resource of children.get(parent) ?? []) {
      const indent = "  ".repeat(depth);
      lines.push(`${indent}${resource.custom ? "+" : "#"} ${resource.type}  ${resource.name}`);
      if (resource.custom)
        for (const [key, value] of Object.entries(resource.inputs))
          if (key !== "tags") lines.push(`${indent}    ${key}: ${show(value)}`);
      walk(resource.urn, depth + 1);
    }
  };
  walk(undefined, 1);
  lines.push("");

  lines.push("Outputs");
  for (const [name, value] of Object.entries(plan.outputs)) lines.push(`  ${name}: ${show(value)}`);
  lines.push("");

  const { pass, fail, unknown } = plan.summary.policies;
  lines.push(`Policies (infra/policy): ${pass} pass, ${fail} fail, ${unknown} unknown until deployment`);
  for (const result of plan.policies) {
    const status = result.status === "fail" ? "FAIL" : result.status;
    lines.push(`  ${status.padEnd(8)}${result.policy} (${result.checked} checked)`);
    for (const finding of result.violations)
      lines.push(`            ${finding.type} ${finding.name}: ${finding.message}`);
    for (const finding of result.unknowns)
      lines.push(`            ${finding.type} ${finding.name}: ${finding.message}`);
  }
  if (plan.notes.length > 0) {
    lines.push("", "Notes");
    for (const note of plan.notes) lines.push(`  - ${note}`);
  }
  return `${lines.join("\n")}\n`;
}

/** One line: (unknown), [secret], or compact JSON cut to a readable length. */
function show(value: unknown): string {
  const text = JSON.stringify(value, (_key, inner) =>
    isMarker(inner, UNKNOWN) ? "\u0000unknown" : isMarker(inner, SECRET) ? "\u0000secret" : inner,
  )
    .replaceAll('"\\u0000unknown"', "(unknown)")
    .replaceAll('"\\u0000secret"', "[secret]");
  return text.length <= MAX_VALUE ? text : `${text.slice(0, MAX_VALUE)}… (${text.length} chars)`;
}

function isMarker(value: unknown, marker: object): boolean {
  if (typeof value !== "object" || value === null) return false;
  const [key] = Object.keys(marker);
  return key !== undefined && Object.keys(value).length === 1 && key in value;
}
