import { readFileSync } from "node:fs";
import * as path from "node:path";
import { loadYaml, type V1PodList } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { assessPods, type PodFinding, podHealthOutcome } from "../../../app/checks/pod-health";

const fixtures = path.resolve(__dirname, "../../fixtures/monitoring/kubernetes");

/** A PodList fixture deserialised by the client's own serializer, as listNamespacedPod returns it. */
function podList(name: string): V1PodList {
  return loadYaml<V1PodList>(readFileSync(path.join(fixtures, `${name}.json`), "utf8"));
}

const scope = { namespace: "shop", labelSelector: "app=web", minPods: 1 };

describe("assessPods", () => {
  it.each<[string, number, number, Partial<PodFinding>[]]>([
    // fixture, pods counted, ready, findings
    ["healthy", 2, 2, []],
    [
      "crashloop",
      2,
      1,
      [{ pod: "web-6d4b8c7f9d-p5lnc", container: "app", reason: "CrashLoopBackOff", severity: "down" }],
    ],
    [
      "image-pull",
      2,
      0,
      [
        { pod: "web-7f8e9d0c1b-hm3qs", container: "app", reason: "ImagePullBackOff", severity: "down" },
        { pod: "web-7f8e9d0c1b-v2jxd", container: "migrate", reason: "ErrImagePull", severity: "down" },
      ],
    ],
    [
      "not-ready",
      4,
      1,
      [
        { pod: "web-6d4b8c7f9d-q8r2z", container: "app", reason: "NotReady", severity: "down" },
        { pod: "web-6d4b8c7f9d-d4f6g", reason: "Unschedulable", severity: "down" },
        { pod: "web-6d4b8c7f9d-b7n1c", container: "app", reason: "ContainerCreating", severity: "down" },
      ],
    ],
    ["evicted", 3, 2, [{ pod: "web-6d4b8c7f9d-r6t8y", reason: "Evicted", severity: "down" }]],
    ["restarting", 2, 2, []],
    ["empty", 0, 0, []],
  ])("%s: counts %i pods, %i ready, with the expected findings", (fixture, pods, ready, findings) => {
    const assessment = assessPods(podList(fixture));

    expect(assessment.pods).toBe(pods);
    expect(assessment.ready).toBe(ready);
    expect(assessment.findings).toHaveLength(findings.length);
    findings.forEach((expected, i) => {
      expect(assessment.findings[i]).toMatchObject(expected);
    });
  });

  it("keeps Kubernetes' message with the finding", () => {
    const { findings } = assessPods(podList("crashloop"));

    expect(findings[0]?.message).toMatch(/^back-off 5m0s restarting failed container=app/);
  });

  it("leaves out Succeeded pods and pods being deleted", () => {
    const names = podList("healthy").items.map((p) => p.metadata?.name);
    const { pods, findings } = assessPods(podList("healthy"));

    expect(names).toContain("web-migrate-29104710-5hzbn");
    expect(names).toContain("web-5c9f7b6d48-zr8vd");
    expect(pods).toBe(2);
    expect(findings).toEqual([]);
  });

  it("reports restarts above maxRestarts as degraded, with the last exit reason", () => {
    const { findings } = assessPods(podList("restarting"), { maxRestarts: 3 });

    expect(findings).toEqual([
      {
        pod: "web-6d4b8c7f9d-7xq2m",
        container: "app",
        reason: "Restarts",
        message: "restarted 4 times; last exit: OOMKilled (exit 137)",
        severity: "degraded",
      },
    ]);
  });

  it("ignores restarts at or below maxRestarts", () => {
    expect(assessPods(podList("restarting"), { maxRestarts: 4 }).findings).toEqual([]);
  });
});

describe("podHealthOutcome", () => {
  it("is up when every pod is ready", () => {
    const outcome = podHealthOutcome(assessPods(podList("healthy")), scope);

    expect(outcome).toMatchObject({
      status: "up",
      message: "2 of 2 pods ready in namespace shop matching app=web",
    });
    expect(outcome.conditions).toEqual([
      { name: "pods", passed: true, severity: "down", detail: expect.any(String) },
    ]);
  });

  it("is down naming the crash-looping pod and container, one condition per finding", () => {
    const outcome = podHealthOutcome(assessPods(podList("crashloop")), scope);

    expect(outcome.status).toBe("down");
    expect(outcome.message).toBe("1 of 2 pods unhealthy: web-6d4b8c7f9d-p5lnc/app CrashLoopBackOff");
    expect(outcome.conditions[1]).toMatchObject({
      name: "pod web-6d4b8c7f9d-p5lnc container app",
      passed: false,
      severity: "down",
      detail: expect.stringMatching(/^CrashLoopBackOff: back-off 5m0s/),
    });
  });

  it("names three findings in the message and counts the rest", () => {
    const outcome = podHealthOutcome(assessPods(podList("not-ready")), scope);

    expect(outcome.message).toBe(
      "3 of 4 pods unhealthy: web-6d4b8c7f9d-q8r2z/app NotReady, web-6d4b8c7f9d-d4f6g Unschedulable, web-6d4b8c7f9d-b7n1c/app ContainerCreating",
    );
    const more = assessPods(podList("not-ready"));
    more.findings.push({ pod: "extra", reason: "Evicted", severity: "down" });
    expect(podHealthOutcome(more, scope).message).toMatch(/ContainerCreating and 1 more$/);
  });

  it("is down when no pod matches the selector", () => {
    const outcome = podHealthOutcome(assessPods(podList("empty")), scope);

    expect(outcome).toMatchObject({ status: "down", message: "no pods in namespace shop matching app=web" });
  });

  it("is down when fewer pods than minPods match, even if they are healthy", () => {
    const outcome = podHealthOutcome(assessPods(podList("healthy")), { ...scope, minPods: 3 });

    expect(outcome).toMatchObject({
      status: "down",
      message: "2 pods in namespace shop matching app=web, expected at least 3",
    });
  });

  it("is degraded when the only findings are restarts", () => {
    const outcome = podHealthOutcome(assessPods(podList("restarting"), { maxRestarts: 0 }), scope);

    expect(outcome.status).toBe("degraded");
    expect(outcome.message).toBe("1 of 2 pods unhealthy: web-6d4b8c7f9d-7xq2m/app Restarts");
  });

  it("caps the conditions at 20 findings", () => {
    const assessment = assessPods(podList("healthy"));
    for (let i = 0; i < 30; i++)
      assessment.findings.push({ pod: `p${i}`, reason: "Evicted", severity: "down" });

    expect(podHealthOutcome(assessment, scope).conditions).toHaveLength(21);
  });
});
