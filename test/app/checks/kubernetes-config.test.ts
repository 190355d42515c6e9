import { describe, expect, it } from "vitest";
import { checkSchema, checksSchema } from "../../../app/checks";
import { labelSelectorProblem } from "../../../app/checks/label-selector";

/** The zod issues of a config, as `path: message` lines. */
function issuesOf(input: unknown): string[] {
  const parsed = checksSchema.safeParse([input]);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("labelSelectorProblem", () => {
  it.each([
    "app=web",
    "app==web",
    "tier!=cache",
    "app.kubernetes.io/name=web",
    "env in (prod, staging)",
    "env notin (dev)",
    "canary",
    "!canary",
    "app=web, env in (prod,staging) ,!canary",
    "track=",
  ])("accepts %s", (selector) => {
    expect(labelSelectorProblem(selector)).toBeUndefined();
  });

  it.each([
    ["", "expected at least one requirement, e.g. app=web"],
    ["app=web,", 'requirement 2 (""): empty (a stray comma?)'],
    ["app=we b", 'requirement 1 ("app=we b"): expected key, !key, key=value'],
    ["app=-web", 'requirement 1 ("app=-web"): value "-web" must be at most 63 characters'],
    [
      "Example.COM/app=web",
      'requirement 1 ("Example.COM/app=web"): key prefix "Example.COM" must be a DNS subdomain',
    ],
    [`${"a".repeat(64)}=x`, `key "${"a".repeat(64)}": the name must be at most 63 characters`],
    ["env in ()", 'requirement 1 ("env in ()"): a set needs at least one value'],
    ["env in (prod", "unbalanced parentheses: a ( is never closed"],
    ["replicas>2", 'requirement 1 ("replicas>2"): expected key, !key'],
  ])("rejects %j: %s", (selector, problem) => {
    expect(labelSelectorProblem(selector)).toContain(problem);
  });
});

describe("kubernetes check config", () => {
  it("fills in the documented defaults", () => {
    expect(checkSchema.parse({ id: "pods", type: "kubernetes" })).toMatchObject({
      namespace: "default",
      inCluster: false,
      minPods: 1,
    });
  });

  it("names the label selector field and the bad requirement", () => {
    expect(issuesOf({ id: "pods", type: "kubernetes", labelSelector: "app=web,,tier=x" })).toEqual([
      '0.labelSelector: expected a label selector: requirement 2 (""): empty (a stray comma?)',
    ]);
  });

  it("rejects a namespace that is not a DNS label", () => {
    expect(issuesOf({ id: "pods", type: "kubernetes", namespace: "Shop_EU" })).toEqual([
      "0.namespace: expected a namespace name (lower-case letters, digits and dashes, at most 63)",
    ]);
  });

  it("rejects kubeconfig and context combined with inCluster", () => {
    expect(
      issuesOf({
        id: "pods",
        type: "kubernetes",
        inCluster: true,
        kubeconfig: "/etc/kube.yaml",
        context: "prod",
      }),
    ).toEqual([
      "0.kubeconfig: cannot be combined with inCluster: true (in-cluster auth uses the service account)",
      "0.context: cannot be combined with inCluster: true (in-cluster auth uses the service account)",
    ]);
  });

  it("rejects unknown fields, so a typo is not silently ignored", () => {
    expect(issuesOf({ id: "pods", type: "kubernetes", selector: "app=web" })[0]).toMatch(/selector/);
  });
});
