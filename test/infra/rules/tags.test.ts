import { describe, expect, it } from "vitest";
import { tagSet, withName } from "../../../infra/rules/tags";

describe("tagSet", () => {
  it("labels resources with project, stack, managed-by and owner", () => {
    expect(tagSet({ project: "opsdeck", stack: "dev", owner: "platform-team" })).toEqual({
      project: "opsdeck",
      stack: "dev",
      "managed-by": "pulumi",
      owner: "platform-team",
    });
  });

  it("adds a Name tag without dropping the tag set", () => {
    const tags = tagSet({ project: "opsdeck", stack: "dev", owner: "ops" });

    expect(withName(tags, "opsdeck-dev-fleet-web01")).toEqual({ ...tags, Name: "opsdeck-dev-fleet-web01" });
    expect(tags).not.toHaveProperty("Name");
  });
});
