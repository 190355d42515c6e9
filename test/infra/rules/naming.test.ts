import { describe, expect, it } from "vitest";
import { boundedName, ELB_NAME_MAX_LENGTH, namePrefix } from "../../../infra/rules/naming";

describe("namePrefix", () => {
  it.each([
    ["opsdeck", "dev", "opsdeck-dev"],
    ["opsdeck", "Feature_Branch.2", "opsdeck-feature-branch-2"],
    ["opsdeck", "--x--", "opsdeck-x"],
  ])("turns project %s and stack %s into %s", (project, stack, expected) => {
    expect(namePrefix(project, stack)).toBe(expected);
  });
});

describe("boundedName", () => {
  it("keeps short names whole", () => {
    expect(boundedName("opsdeck-dev", "alb", ELB_NAME_MAX_LENGTH)).toBe("opsdeck-dev-alb");
  });

  it("cuts the prefix so the auto-named result fits the AWS limit and keeps the suffix", () => {
    const name = boundedName("opsdeck-feature-branch-with-a-long-name", "alb", ELB_NAME_MAX_LENGTH);

    expect(name.length + "-abcdefg".length).toBeLessThanOrEqual(ELB_NAME_MAX_LENGTH);
    expect(name).toMatch(/^opsdeck-feature-.*-alb$/);
    expect(name).not.toContain("--");
  });

  it("refuses a suffix that leaves no room for a prefix", () => {
    expect(() => boundedName("opsdeck", "x".repeat(30), ELB_NAME_MAX_LENGTH)).toThrow(/no room/);
  });
});
