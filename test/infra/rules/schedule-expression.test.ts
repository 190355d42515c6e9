import { describe, expect, it } from "vitest";
import { scheduleExpressionProblem } from "../../../infra/rules/schedule-expression";

describe("scheduleExpressionProblem", () => {
  it.each([
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "cron(0/5 * * * ? *)",
  ])("accepts %s", (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
  });

  it("rejects a plural unit with 1 and a singular unit otherwise, as EventBridge does", () => {
    expect(scheduleExpressionProblem("rate(1 minutes)")).toBe("expected rate(1 minute)");
    expect(scheduleExpressionProblem("rate(5 minute)")).toBe("expected rate(5 minutes)");
  });

  it("rejects a zero rate, seconds, and anything that is neither rate nor cron", () => {
    expect(scheduleExpressionProblem("rate(0 minutes)")).toBe("expected a rate of at least 1");
    expect(scheduleExpressionProblem("rate(30 seconds)")).toMatch(/^expected rate\(1 minute\)/);
    expect(scheduleExpressionProblem("every 5 minutes")).toMatch(/^expected rate\(1 minute\)/);
    expect(scheduleExpressionProblem("cron(0 12 * * ?)")).toMatch(/cron\(<minutes>/);
  });
});
