import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatPath, parseOrThrow, ValidationError } from "../../../app/lib/validation";

describe("formatPath", () => {
  it.each([
    [["servers", 1, "instanceType"], "", "servers[1].instanceType"],
    [["servers", 1, "instanceType"], "opsdeck:", "opsdeck:servers[1].instanceType"],
    [[0, "name"], "", "[0].name"],
    [[], "", "(root)"],
  ])("renders %j with prefix %j as %s", (path, prefix, expected) => {
    expect(formatPath(path, prefix)).toBe(expected);
  });
});

describe("parseOrThrow", () => {
  const schema = z.object({
    servers: z.array(z.object({ name: z.string(), instanceType: z.enum(["t3.micro", "t3.small"]) })),
    retentionDays: z.number().int().positive(),
  });

  it("returns the parsed value when the input is valid", () => {
    const input = { servers: [{ name: "web01", instanceType: "t3.micro" }], retentionDays: 30 };
    expect(parseOrThrow(schema, input, "stack config")).toEqual(input);
  });

  it("names every bad field with its path, the expected values, and keeps the zod error as cause", () => {
    const input = {
      servers: [
        { name: "web01", instanceType: "t3.micro" },
        { name: "db01", instanceType: "m9.huge" },
      ],
      retentionDays: -1,
    };

    const error = (() => {
      try {
        parseOrThrow(schema, input, "stack config", { pathPrefix: "opsdeck:" });
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(ValidationError);
    const { issues, message, cause } = error as ValidationError;
    expect(issues.map((i) => i.path)).toEqual(["opsdeck:servers[1].instanceType", "opsdeck:retentionDays"]);
    expect(issues[0]?.message).toMatch(/expected one of "t3.micro"\|"t3.small"/);
    expect(message).toContain("stack config is invalid");
    expect(cause).toBeInstanceOf(z.ZodError);
  });
});
