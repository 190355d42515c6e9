import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type AlertEvent,
  createNotifiers,
  notifierSchema,
  sendAlert,
  slackPayload,
} from "../../../app/notify";
import { captureLogger } from "../../support/capture-log";
import { type LoopbackServer, startHttpServer } from "../../support/loopback";

const event: AlertEvent = {
  kind: "opened",
  subject: "check:web",
  severity: "critical",
  title: "Web <prod> is down",
  message: "status 500 & rising",
  at: "2026-11-20T10:00:00.000Z",
  openedAt: "2026-11-20T10:00:00.000Z",
  source: "checks",
};

/** Records every request; answers with the status queued for its path (200 by default). */
let server: LoopbackServer;
let received: Array<{ path: string; headers: IncomingMessage["headers"]; body: unknown }> = [];
let statuses: number[] = [];
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(body || "null") });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  received = [];
  statuses = [];
});

function notifiers(configs: unknown[], logger = captureLogger().logger) {
  return createNotifiers(
    configs.map((c) => notifierSchema.parse(c)),
    { logger },
  );
}

describe("notifiers", () => {
  it("posts a Slack incoming-webhook message with the text escaped", async () => {
    const slack = notifiers([{ name: "slack", type: "slack", url: `${server.url}/services/T0/B0/secret` }]);

    const outcomes = await sendAlert(slack, event, { logger: captureLogger().logger });

    expect(outcomes).toEqual([{ notifier: "slack", ok: true, attempts: 1 }]);
    expect(received[0]?.body).toEqual({
      text: ":red_circle: *[CRITICAL] Web &lt;prod&gt; is down*\nstatus 500 &amp; rising",
    });
  });

  it("posts the event in a versioned JSON envelope with the configured headers to a generic webhook", async () => {
    const hook = notifiers([
      { name: "hook", type: "webhook", url: `${server.url}/hook`, headers: { authorization: "Bearer t" } },
    ]);

    await sendAlert(hook, event, { logger: captureLogger().logger });

    expect(received[0]).toMatchObject({ path: "/hook", body: { version: 1, event } });
    expect(received[0]?.headers.authorization).toBe("Bearer t");
  });

  it("retries a failed delivery with backoff until the endpoint accepts it", async () => {
    statuses = [503, 500];
    const hook = notifiers([
      { name: "hook", type: "webhook", url: `${server.url}/hook`, retries: 2, retryDelayMs: 5 },
    ]);

    const outcomes = await sendAlert(hook, event, { logger: captureLogger().logger });

    expect(outcomes).toEqual([{ notifier: "hook", ok: true, attempts: 3 }]);
    expect(received).toHaveLength(3);
  });

  it("reports a failure by notifier name and status, never logging the secret URL", async () => {
    statuses = [500, 500];
    const capture = captureLogger();
    const slack = notifiers(
      [
        {
          name: "slack",
          type: "slack",
          url: `${server.url}/services/T0/B0/s3cr3t-token`,
          retries: 1,
          retryDelayMs: 5,
        },
      ],
      capture.logger,
    );

    const outcomes = await sendAlert(slack, event, { logger: capture.logger });

    expect(outcomes).toEqual([
      { notifier: "slack", ok: false, attempts: 2, error: "notifier slack: endpoint answered 500" },
    ]);
    expect(capture.text()).toContain("alert notification failed");
    expect(capture.text()).not.toContain("s3cr3t-token");
  });

  it("sends only through the notifiers an alert names", async () => {
    const capture = captureLogger();
    const all = notifiers(
      [
        { name: "hook", type: "webhook", url: `${server.url}/hook` },
        { name: "log", type: "log" },
      ],
      capture.logger,
    );

    const outcomes = await sendAlert(
      all,
      { ...event, kind: "adhoc" },
      { names: ["log"], logger: capture.logger },
    );

    expect(outcomes.map((o) => o.notifier)).toEqual(["log"]);
    expect(received).toHaveLength(0);
    expect(capture.text()).toContain("adhoc: Web <prod> is down");
  });

  it("labels resolved notices and reminders with when the alert opened", () => {
    expect(slackPayload({ ...event, kind: "resolved", title: "Web recovered", message: "OK" }).text).toBe(
      ":large_green_circle: *[RESOLVED] Web recovered* (since 2026-11-20T10:00:00.000Z)\nOK",
    );
  });
});
