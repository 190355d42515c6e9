import { afterEach, describe, expect, it } from "vitest";
import {
  AlertStateError,
  alertRulesSchema,
  CHECKS_ALERT_STATE_KEY,
  type Observation,
  readAlertState,
  runAlertCycle,
} from "../../../app/alerts";
import { createNotifiers, notifierSchema } from "../../../app/notify";
import { LocalStore } from "../../../app/storage";
import { captureLogger } from "../../support/capture-log";
import { type LoopbackServer, startHttpServer } from "../../support/loopback";
import { useTempDirs } from "../../support/temp-dir";

const tempDir = useTempDirs("opsdeck-alerts");
const rules = alertRulesSchema.parse({ openAfter: 1, resolveAfter: 1 });
const failing: Observation = {
  subject: "check:web",
  name: "Web",
  ok: false,
  severity: "critical",
  title: "Web is down",
  message: "status 500",
  rules,
};
const t = (min: number) => new Date(Date.UTC(2026, 10, 20, 10, min));

/** A webhook receiver that can be switched between failing and accepting. */
async function receiver() {
  let accept = false;
  const bodies: unknown[] = [];
  const server = await startHttpServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      if (accept) bodies.push(JSON.parse(body));
      res.statusCode = accept ? 200 : 503;
      res.end();
    });
  });
  return { server, bodies, setAccept: (v: boolean) => (accept = v) };
}

let servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("alert cycle", () => {
  it("keeps the alert state and the notification through a notifier outage, and delivers it later", async () => {
    const store = new LocalStore(await tempDir());
    const hook = await receiver();
    servers.push(hook.server);
    const { logger } = captureLogger();
    const notifiers = createNotifiers(
      [
        notifierSchema.parse({
          name: "hook",
          type: "webhook",
          url: `${hook.server.url}/h`,
          retries: 1,
          retryDelayMs: 5,
        }),
      ],
      { logger },
    );
    const options = { store, stateKey: CHECKS_ALERT_STATE_KEY, source: "checks", notifiers, logger };

    const during = await runAlertCycle([failing], { ...options, now: t(0) });

    expect(during.events.map((e) => e.event.kind)).toEqual(["opened"]);
    expect(during.undelivered).toBe(1);
    const persisted = await readAlertState(store, CHECKS_ALERT_STATE_KEY, t(0));
    expect(Object.keys(persisted.open)).toEqual(["check:web"]);
    expect(persisted.undelivered[0]).toMatchObject({
      notifiers: ["hook"],
      tries: 1,
      event: { kind: "opened" },
    });

    hook.setAccept(true);
    const after = await runAlertCycle([failing], { ...options, now: t(1) });

    expect(after.undelivered).toBe(0);
    expect(hook.bodies).toMatchObject([{ version: 1, event: { kind: "opened", subject: "check:web" } }]);
    expect(Object.keys((await readAlertState(store, CHECKS_ALERT_STATE_KEY, t(1))).open)).toEqual([
      "check:web",
    ]);
  });

  it("retries a dead notifier once per cycle, not once per queued event", async () => {
    const store = new LocalStore(await tempDir());
    const hook = await receiver();
    servers.push(hook.server);
    let requests = 0;
    const { logger } = captureLogger();
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const notifiers = createNotifiers(
      [notifierSchema.parse({ name: "hook", type: "webhook", url: `${hook.server.url}/h`, retries: 0 })],
      { logger, fetch: counting },
    );
    const observations = ["a", "b", "c"].map((id) => ({ ...failing, subject: `check:${id}` }));

    const report = await runAlertCycle(observations, {
      store,
      stateKey: CHECKS_ALERT_STATE_KEY,
      source: "checks",
      notifiers,
      logger,
      now: t(0),
    });

    expect(report.undelivered).toBe(3);
    expect(requests).toBe(1);
  });

  it("drops a notification no notifier accepted within the maximum age, saying so in the log", async () => {
    const store = new LocalStore(await tempDir());
    const hook = await receiver();
    servers.push(hook.server);
    const capture = captureLogger();
    const notifiers = createNotifiers(
      [notifierSchema.parse({ name: "hook", type: "webhook", url: `${hook.server.url}/h`, retries: 0 })],
      { logger: capture.logger },
    );
    const options = {
      store,
      stateKey: CHECKS_ALERT_STATE_KEY,
      source: "checks",
      notifiers,
      logger: capture.logger,
      maxUndeliveredAgeMs: 60_000,
    };
    await runAlertCycle([failing], { ...options, now: t(0) });

    const later = await runAlertCycle([failing], { ...options, now: t(5) });

    expect(later.undelivered).toBe(0);
    expect(capture.text()).toContain("dropping an alert notification");
  });

  it("refuses to overwrite a damaged alert state", async () => {
    const store = new LocalStore(await tempDir());
    await store.put(CHECKS_ALERT_STATE_KEY, "{ not json");
    const { logger } = captureLogger();

    await expect(
      runAlertCycle([failing], {
        store,
        stateKey: CHECKS_ALERT_STATE_KEY,
        source: "checks",
        notifiers: [],
        logger,
        now: t(0),
      }),
    ).rejects.toBeInstanceOf(AlertStateError);
    expect((await store.get(CHECKS_ALERT_STATE_KEY))?.toString()).toBe("{ not json");
  });
});
