import { describe, expect, it } from "vitest";
import { ECR_TAG_MUTABILITY, ecrLifecycleRules, imagePlatform } from "../../../infra/rules/container-image";
import { quantityValue } from "../../../infra/rules/k8s-quantity";

describe("container images", () => {
  it("build for the platform of the Lambda architecture", () => {
    expect(imagePlatform("x86_64")).toBe("linux/amd64");
    expect(imagePlatform("arm64")).toBe("linux/arm64");
  });

  it("keep the newest N images of a repository, tagged or not", () => {
    expect(ecrLifecycleRules({ keepLast: 7 })).toEqual([
      { description: "keep the newest 7 images", tagStatus: "any", maximumNumberOfImages: 7 },
    ]);
  });

  it("let tags move, since every build of a target is pushed under the same tag and pinned by digest", () => {
    expect(ECR_TAG_MUTABILITY).toBe("MUTABLE");
  });
});

describe("quantityValue", () => {
  it("reads CPU in cores or millicores and memory with decimal or binary units", () => {
    expect(quantityValue("500m", "cpu")).toBe(0.5);
    expect(quantityValue("2", "cpu")).toBe(2);
    expect(quantityValue("256Mi", "memory")).toBe(256 * 2 ** 20);
    expect(quantityValue("1G", "memory")).toBe(1e9);
  });

  it("refuses a quantity of the wrong kind", () => {
    expect(() => quantityValue("256Mi", "cpu")).toThrow(/not a cpu quantity/);
  });
});
