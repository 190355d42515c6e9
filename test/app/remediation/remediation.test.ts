import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseAppConfig } from "../../../app/config";
import { ValidationError } from "../../../app/lib/validation";
import { runChecksRound } from "../../../app/monitor";
import { runRemediationCommand } from "../../../app/remediation/execute";
import { REMEDIATION_STATE_KEY, readRemediationState } from "../../../app/remediation/state";
import { LocalStore } from "../../../app/storage";
import { closedPort } from "../../support/loopback";
import { useTempDirs } from "../../support/temp-dir";
import { startReceiver } from "../monitor/support";

const fixtures = path.join(__dirname, "../../fixtures/remediation");
const node = process.execPath;
const tempDir = useTempDirs("opsdeck-remediation");
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const pidFiles: string[] = [];
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
// The restarted service runs detached from the remediation command; stop it by the pid it recorded.
afterEach(async () => {
  for (const file of pidFiles.splice(0)) {
    const pid = Number(await readFile(file, "utf8").catch(() => ""));
    if (pid > 0) process.kill(pid);
  }
});

const t = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));
const clock = (minute: number) => () => t(minute);
const lines = async (file: string) =>
  (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).length;

function config(port: number, remediation: Record<string, unknown>) {
  return parseAppConfig(
    {
      checkDefaults: { retries: 0, timeoutMs: 2_000, breaker: { failures: 100 } },
      checks: [{ id: "svc", name: "Service", type: "http", url: `http://127.0.0.1:${port}/`, remediation }],
      alerts: { openAfter: 1 },
      notifiers: [{ name: "hook", type: "webhook", url: `${receiver.url}/hook`, retries: 0 }],
    },
    "test config",
  );
}

describe("remediating a failing check", () => {
  it("restarts the service after N consecutive failures, and the check recovers", async () => {
    const dir = await tempDir();
    const [marker, pidFile, port] = [path.join(dir, "marker"), path.join(dir, "pid"), await closedPort()];
    pidFiles.push(pidFile);
    const cfg = config(port, {
      command: [node, path.join(fixtures, "restart.js"), marker, String(port), pidFile],
      afterFailures: 2,
    });
    const store = new LocalStore(dir);
    const before = receiver.events().length;
    const run = { remediation: { mode: "run" } } as const;

    const first = await runChecksRound(cfg, store, { ...run, now: clock(0) });
    const markerAfterFirst = await lines(marker);
    const second = await runChecksRound(cfg, store, { ...run, now: clock(1) });
    const third = await runChecksRound(cfg, store, { ...run, now: clock(2) });

    expect(first.results[0]?.status).toBe("down");
    expect(first.remediations).toEqual([]);
    expect(markerAfterFirst).toBe(0);
    expect(second.remediations.map((a) => [a.outcome, a.action])).toEqual([
      ["started", `run ${node}`],
      ["succeeded", `run ${node}`],
    ]);
    expect(await lines(marker)).toBe(1);
    expect(third.results[0]?.status).toBe("up");
    expect(third.remediations).toEqual([]);
    expect(
      receiver
        .events()
        .slice(before)
        .filter((e) => e.subject === "remediation:svc")
        .map((e) => e.title),
    ).toEqual([`Service: remediation started (run ${node})`, `Service: remediation succeeded (run ${node})`]);
  });

  it("reports a failing command, waits out the cooldown, stops at maxAttempts and keeps the budget across processes", async () => {
    const dir = await tempDir();
    const marker = path.join(dir, "marker");
    const cfg = config(await closedPort(), {
      command: [node, path.join(fixtures, "fail.js"), marker],
      afterFailures: 1,
      cooldownMs: 120_000,
      maxAttempts: 2,
      windowMs: 3_600_000,
    });
    const outcomes: string[][] = [];

    // A fresh store object per round stands for opsdeck restarting between rounds.
    for (const minute of [0, 1, 2, 3, 4, 5]) {
      const report = await runChecksRound(cfg, new LocalStore(dir), {
        remediation: { mode: "run" },
        now: clock(minute),
      });
      outcomes.push(report.remediations.map((a) => a.outcome));
    }

    expect(outcomes).toEqual([["started", "failed"], [], ["started", "failed"], ["suppressed"], [], []]);
    expect(await lines(marker)).toBe(2);
    const state = await readRemediationState(new LocalStore(dir), t(6));
    const failed = state.recent.find((a) => a.outcome === "failed");
    expect(failed?.message).toBe(
      "exit code 3: Job for web.service failed because the control process exited with error code.",
    );
    expect(state.recent[0]).toMatchObject({
      outcome: "suppressed",
      message: expect.stringMatching(/^remediation exhausted: 2 attempts within 1 h/),
    });
  });

  it("neither counts nor remediates failures inside a maintenance window", async () => {
    const dir = await tempDir();
    const marker = path.join(dir, "marker");
    const cfg = parseAppConfig(
      {
        ...config(await closedPort(), {
          command: [node, path.join(fixtures, "fail.js"), marker],
          afterFailures: 2,
        }),
        maintenance: [
          { id: "upgrade", title: "Upgrade", start: "2026-11-20T09:00:00Z", end: "2026-11-20T10:02:00Z" },
        ],
      },
      "test config",
    );
    const store = new LocalStore(dir);
    const rounds: string[][] = [];

    for (const minute of [0, 1, 2, 3]) {
      const report = await runChecksRound(cfg, store, { remediation: { mode: "run" }, now: clock(minute) });
      rounds.push(report.remediations.map((a) => a.outcome));
    }

    // Minutes 0 and 1 are planned work; 2 is the first counted failure, 3 the second.
    expect(rounds).toEqual([[], [], [], ["started", "failed"]]);
    expect(await lines(marker)).toBe(1);
  });

  it("skips remediation with the reason where no host can be restarted", async () => {
    const dir = await tempDir();
    const marker = path.join(dir, "marker");
    const cfg = config(await closedPort(), {
      command: [node, path.join(fixtures, "fail.js"), marker],
      afterFailures: 1,
    });
    const store = new LocalStore(dir);

    const report = await runChecksRound(cfg, store, {
      remediation: { mode: "skip", reason: "on Lambda there is no host to restart" },
      now: clock(0),
    });

    expect(report.remediationSkipped).toBe("on Lambda there is no host to restart");
    expect(report.remediations).toEqual([]);
    expect(await lines(marker)).toBe(0);
    expect(await store.get(REMEDIATION_STATE_KEY)).toBeUndefined();
  });

  it("kills a command that outlives its timeout and reports it as failed", async () => {
    const outcome = await runRemediationCommand([node, path.join(fixtures, "hang.js")], { timeoutMs: 300 });

    expect(outcome).toEqual({ ok: false, message: "timed out after 300 ms" });
  });

  it("reports a missing program as not found", async () => {
    const outcome = await runRemediationCommand(["/nonexistent/opsdeck-restart"], { timeoutMs: 1_000 });

    expect(outcome).toEqual({ ok: false, message: "/nonexistent/opsdeck-restart: command not found" });
  });
});

describe("remediation config", () => {
  const issues = (remediation: unknown) => {
    try {
      parseAppConfig(
        { checks: [{ id: "web", type: "tcp", host: "127.0.0.1", port: 80, remediation }] },
        "cfg",
      );
    } catch (error) {
      if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
      throw error;
    }
    return [];
  };

  it.each([
    [{}, "checks[0].remediation: expected exactly one of restartUnit or command"],
    [
      { restartUnit: "web.service", command: ["/bin/true"] },
      "checks[0].remediation: expected exactly one of restartUnit or command",
    ],
    [
      { restartUnit: "--now" },
      "checks[0].remediation.restartUnit: expected a systemd unit name (letters, digits, _ . : @ \\ and -, not starting with -)",
    ],
    [{ command: [] }, "checks[0].remediation.command: expected at least the program to run"],
    [
      { command: "systemctl restart web" },
      'checks[0].remediation.command: expected an argv array such as ["/usr/local/bin/restart-web", "--fast"]',
    ],
    [
      { restartUnit: "web.service", afterFailures: 0 },
      "checks[0].remediation.afterFailures: expected a positive integer",
    ],
    [
      { restartUnit: "web.service", cooldownMs: 7_200_000 },
      "checks[0].remediation.cooldownMs: expected at most windowMs (a longer cooldown makes maxAttempts meaningless)",
    ],
    [{ restartUnit: "web.service", shell: true }, 'checks[0].remediation: unrecognized key: "shell"'],
  ])("rejects %j naming the field", (remediation, message) => {
    expect(issues(remediation)).toEqual([message]);
  });

  it("accepts a unit restart with documented defaults", () => {
    const cfg = parseAppConfig(
      {
        checks: [
          {
            id: "web",
            type: "tcp",
            host: "127.0.0.1",
            port: 80,
            remediation: { restartUnit: "nginx.service" },
          },
        ],
      },
      "cfg",
    );
    expect(cfg.checks[0]?.remediation).toEqual({
      restartUnit: "nginx.service",
      afterFailures: 3,
      cooldownMs: 300_000,
      maxAttempts: 3,
      windowMs: 3_600_000,
      timeoutMs: 60_000,
    });
  });
});
