import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLatest } from "../../app/history/write";
import { ValidationError } from "../../app/lib/validation";
import { S3Store } from "../../app/storage/s3-store";
import { createLambdaHandler, type RoundSummary } from "../../lambda/runtime";
import apiGatewayV2 from "../fixtures/lambda/apigw-v2-api-status.json";
import scheduled from "../fixtures/lambda/eventbridge-scheduled.json";
import fleetWithToken from "../fixtures/lambda/function-url-fleet-bearer.json";
import functionUrl from "../fixtures/lambda/function-url-status-page.json";
import { captureLogger } from "../support/capture-log";
import { closedPort, type LoopbackServer, startHttpServer } from "../support/loopback";
import { type LocalS3, startLocalS3 } from "../support/s3-server";

const TOKEN = "lambda-operator-token";
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "opsdeck-dev-dashboard",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:opsdeck-dev-dashboard",
  memoryLimitInMB: "512",
  awsRequestId: "0f0e0d0c-0b0a-0908-0706-050403020100",
  logGroupName: "/aws/lambda/opsdeck-dev-dashboard",
  logStreamName: "2026/11/21/[$LATEST]0123456789abcdef",
  getRemainingTimeInMillis: () => 60_000,
};

let s3: LocalS3;
let service: LoopbackServer;
let bucket: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  // The S3 client reads credentials the way it does in Lambda: from the environment.
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
  process.env.AWS_REGION = "us-east-1";
  s3 = await startLocalS3();
  bucket = await s3.createBucket();
  service = await startHttpServer((_req, res) => {
    res.end("ok");
  });
});
afterAll(async () => {
  await service.close();
  await s3.close();
  process.env = savedEnv;
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  const config = {
    storage: { type: "s3", bucket, prefix: "opsdeck", endpoint: s3.endpoint },
    checkDefaults: { retries: 0 },
    checks: [{ id: "shop", name: "Shop", type: "http", url: `${service.url}/` }],
  };
  return { OPSDECK_CONFIG: JSON.stringify(config), OPSDECK_DASHBOARD_TOKEN: TOKEN, ...extra };
}

describe("Lambda handler", () => {
  it("runs one checks round per scheduled event and persists it to the S3 store", async () => {
    const handler = createLambdaHandler({ env: env(), logger: captureLogger().logger });

    const summary = (await handler(scheduled, context)) as RoundSummary;

    expect(summary).toMatchObject({ checks: 1, down: 0, errors: [] });
    const store = new S3Store({ bucket, prefix: "opsdeck", client: s3.client });
    const latest = await readLatest(store);
    expect(latest?.results.shop).toMatchObject({ status: "up", checkId: "shop" });
  });

  it("skips check remediation with the reason: on Lambda there is no host to restart", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "opsdeck-lambda-remediation-"));
    const marker = path.join(dir, "marker");
    const config = {
      storage: { type: "s3", bucket, prefix: "opsdeck-remediation", endpoint: s3.endpoint },
      checkDefaults: { retries: 0 },
      checks: [
        {
          id: "down",
          type: "tcp",
          host: "127.0.0.1",
          port: await closedPort(),
          remediation: {
            command: [process.execPath, path.join(__dirname, "../fixtures/remediation/fail.js"), marker],
            afterFailures: 1,
          },
        },
      ],
    };
    const log = captureLogger();
    const handler = createLambdaHandler({
      env: { OPSDECK_CONFIG: JSON.stringify(config) },
      logger: log.logger,
    });

    try {
      const summary = (await handler(scheduled, context)) as RoundSummary;

      expect(summary).toMatchObject({ checks: 1, down: 1, errors: [] });
      expect(await readFile(marker, "utf8").catch(() => "never ran")).toBe("never ran");
      expect(log.text()).toContain("check remediation skipped: on Lambda there is no host to restart");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("serves the status page to a Function URL request, showing the round just saved", async () => {
    const handler = createLambdaHandler({ env: env(), logger: captureLogger().logger });
    await handler(scheduled, context);

    const response = await handler(functionUrl, context);

    expect(response).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    const { headers, body } = response as { headers: Record<string, string>; body: string };
    expect(headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(headers["content-security-policy"]).toContain("script-src 'self'");
    expect(body).toContain('data-check="shop" data-status="up"');
  });

  it("serves /api/status to an API Gateway v2 request", async () => {
    const handler = createLambdaHandler({ env: env(), logger: captureLogger().logger });
    await handler(scheduled, context);

    const response = (await handler(apiGatewayV2, context)) as { statusCode: number; body: string };

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      overall: "up",
      checks: [{ id: "shop", status: "up" }],
    });
  });

  it("answers the fleet API to the bearer token the stack put in the environment", async () => {
    const handler = createLambdaHandler({ env: env(), logger: captureLogger().logger });

    const response = (await handler(fleetWithToken, context)) as { statusCode: number; body: string };

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ hosts: [], problems: [] });
  });

  it("refuses the fleet API when the environment holds no token", async () => {
    const handler = createLambdaHandler({
      env: env({ OPSDECK_DASHBOARD_TOKEN: "" }),
      logger: captureLogger().logger,
    });

    const response = (await handler(fleetWithToken, context)) as { statusCode: number; body: string };

    expect(response.statusCode).toBe(403);
    expect(response.body).toContain("OPSDECK_DASHBOARD_TOKEN");
  });

  it("refuses an event it does not know before touching config or store", async () => {
    const handler = createLambdaHandler({ env: {}, logger: captureLogger().logger });

    await expect(handler({ hello: "world" }, context)).rejects.toBeInstanceOf(ValidationError);
  });

  it("reports a bad OPSDECK_CONFIG with the field, and tries again on the next invocation", async () => {
    const bad = { OPSDECK_CONFIG: JSON.stringify({ dashboard: { refreshSeconds: -1 } }) };
    const handler = createLambdaHandler({ env: bad, logger: captureLogger().logger });

    await expect(handler(functionUrl, context)).rejects.toThrow(/dashboard\.refreshSeconds/);
    await expect(handler(functionUrl, context)).rejects.toThrow(/dashboard\.refreshSeconds/);
  });

  it("never writes the dashboard token to its logs", async () => {
    const log = captureLogger();
    const handler = createLambdaHandler({ env: env(), logger: log.logger });

    await handler(scheduled, context);
    await handler(fleetWithToken, context);

    expect(log.text()).toContain("lambda initialised");
    expect(log.text()).not.toContain(TOKEN);
  });
});
