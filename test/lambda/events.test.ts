import { describe, expect, it } from "vitest";
import { ValidationError } from "../../app/lib/validation";
import { parseLambdaEvent } from "../../lambda/events";
import apiGatewayV1 from "../fixtures/lambda/apigw-v1-rest.json";
import apiGatewayV2 from "../fixtures/lambda/apigw-v2-api-status.json";
import scheduled from "../fixtures/lambda/eventbridge-scheduled.json";
import functionUrl from "../fixtures/lambda/function-url-status-page.json";

function problem(input: unknown): ValidationError {
  try {
    parseLambdaEvent(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error("expected the event to be refused");
}

describe("Lambda event classification", () => {
  it("treats a Function URL request as an HTTP event and keeps every field for the adapter", () => {
    const parsed = parseLambdaEvent(functionUrl);

    expect(parsed.kind).toBe("http");
    expect(parsed.event).toMatchObject({ rawPath: "/", requestContext: { http: { method: "GET" } } });
    expect(parsed.event).toHaveProperty("routeKey", "$default");
  });

  it("treats an API Gateway HTTP API (payload 2.0) request as an HTTP event", () => {
    const parsed = parseLambdaEvent(apiGatewayV2);

    expect(parsed).toMatchObject({ kind: "http", event: { rawPath: "/api/status" } });
  });

  it("treats an EventBridge scheduled event as a checks round", () => {
    const parsed = parseLambdaEvent(scheduled);

    expect(parsed).toMatchObject({
      kind: "scheduled",
      event: { id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", resources: [expect.stringContaining(":rule/")] },
    });
  });

  it("refuses an API Gateway REST (payload 1.0) event, naming the version and the missing fields", () => {
    const error = problem(apiGatewayV1);

    expect(error.source).toBe("HTTP event (Function URL or API Gateway v2)");
    expect(error.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(["version", "rawPath", "rawQueryString", "requestContext.http"]),
    );
    expect(error.message).toContain('version: expected "2.0"');
  });

  it("refuses an EventBridge event that is not a schedule, naming detail-type", () => {
    const error = problem({ ...scheduled, "detail-type": "Object Created", source: "aws.s3" });

    expect(error.issues.map((i) => i.path)).toEqual(["detail-type", "source"]);
  });

  it.each([
    ["an empty test event", {}],
    ["a string", "ping"],
    ["null", null],
  ])("refuses %s and says which events it expects", (_label, input) => {
    const error = problem(input);

    expect(error.message).toContain("expected a Function URL / API Gateway v2 HTTP event");
    expect(error.message).toContain("EventBridge scheduled event");
  });
});
