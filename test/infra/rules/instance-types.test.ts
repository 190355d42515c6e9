import { describe, expect, it } from "vitest";
import { al2023AmiParameter, architectureOf, instanceTypeNames } from "../../../infra/rules/instance-types";

describe("instance types", () => {
  it("maps Graviton (…g) families to arm64 and the others to x86_64", () => {
    for (const type of instanceTypeNames) {
      const family = type.split(".")[0] ?? "";
      expect(architectureOf(type), type).toBe(family.endsWith("g") ? "arm64" : "x86_64");
    }
  });

  it("names the public Amazon Linux 2023 SSM parameter for each architecture", () => {
    expect(al2023AmiParameter("x86_64")).toBe(
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    );
    expect(al2023AmiParameter("arm64")).toBe(
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    );
  });
});
