import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { handleShutdownSignals, Scheduler } from "../../../app/scheduler";
import { captureLogger } from "../../support/capture-log";

/** A task whose runs are held open until the test releases them. */
function gatedTask() {
  const releases: Array<() => void> = [];
  let active = 0;
  let maxActive = 0;
  const signals: AbortSignal[] = [];
  return {
    releases,
    signals,
    maxActive: () => maxActive,
    run: (signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        active++;
        maxActive = Math.max(maxActive, active);
        signals.push(signal);
        releases.push(() => {
          active--;
          resolve();
        });
      }),
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-11-20T10:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("scheduler", () => {
  it("runs each task at start and then at its interval", async () => {
    const runs: string[] = [];
    const scheduler = new Scheduler();
    scheduler.register({ name: "checks", everyMs: 60_000, run: async () => void runs.push("checks") });
    scheduler.register({
      name: "metrics",
      everyMs: 5_000,
      run: async () => void runs.push("metrics"),
      runAtStart: false,
    });

    scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(runs.filter((r) => r === "checks")).toHaveLength(2);
    expect(runs.filter((r) => r === "metrics")).toHaveLength(12);
    await scheduler.stop();
  });

  it("never overlaps a task with itself: a slow run delays the next one", async () => {
    const task = gatedTask();
    const scheduler = new Scheduler();
    scheduler.register({ name: "slow", everyMs: 1_000, run: task.run });

    scheduler.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(task.releases).toHaveLength(1);
    task.releases[0]?.();
    await vi.advanceTimersByTimeAsync(0);

    expect(task.releases).toHaveLength(2);
    expect(task.maxActive()).toBe(1);
    task.releases[1]?.();
    await scheduler.stop();
  });

  it("logs and counts a failing run and keeps scheduling the task", async () => {
    const capture = captureLogger();
    const scheduler = new Scheduler({ logger: capture.logger });
    let n = 0;
    scheduler.register({
      name: "flaky",
      everyMs: 1_000,
      run: async () => {
        n++;
        if (n === 1) throw new Error("store unreachable");
      },
    });

    scheduler.start();
    await vi.advanceTimersByTimeAsync(2_500);

    expect(scheduler.status()[0]).toMatchObject({ name: "flaky", runs: 3, failures: 1 });
    expect(scheduler.status()[0]?.lastError).toBeUndefined();
    expect(capture.text()).toContain("store unreachable");
    await scheduler.stop();
  });

  it("accepts tasks registered by other parts after it started", async () => {
    const scheduler = new Scheduler();
    scheduler.start();
    let ran = 0;

    scheduler.register({ name: "backups", everyMs: 3_600_000, run: async () => void ran++ });
    await vi.advanceTimersByTimeAsync(0);

    expect(ran).toBe(1);
    expect(() => scheduler.register({ name: "backups", everyMs: 1, run: async () => {} })).toThrow(
      /already registered/,
    );
    await scheduler.stop();
  });

  it("on stop, aborts the running task's signal and waits for it to finish its write", async () => {
    const task = gatedTask();
    const scheduler = new Scheduler();
    scheduler.register({ name: "round", everyMs: 60_000, run: task.run });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0);

    let stopped = false;
    const stopping = scheduler.stop(10_000).then((late) => {
      stopped = true;
      return late;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(task.signals[0]?.aborted).toBe(true);
    expect(stopped).toBe(false);

    task.releases[0]?.();
    expect(await stopping).toEqual([]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(task.releases).toHaveLength(1);
  });

  it("gives up waiting after the grace period and names the tasks still running", async () => {
    const task = gatedTask();
    const scheduler = new Scheduler();
    scheduler.register({ name: "stuck", everyMs: 60_000, run: task.run });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0);

    const stopping = scheduler.stop(5_000);
    await vi.advanceTimersByTimeAsync(5_000);

    expect(await stopping).toEqual(["stuck"]);
  });

  it("stops cleanly on SIGTERM, then exits 0", async () => {
    const task = gatedTask();
    const scheduler = new Scheduler();
    scheduler.register({ name: "round", everyMs: 60_000, run: task.run });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0);
    const proc = Object.assign(new EventEmitter(), { exit: vi.fn() });
    const order: string[] = [];
    handleShutdownSignals(scheduler, {
      process: proc as never,
      beforeExit: () => void order.push("beforeExit"),
    });

    proc.emit("SIGTERM", "SIGTERM");
    await vi.advanceTimersByTimeAsync(100);
    expect(proc.exit).not.toHaveBeenCalled();
    order.push("task finished");
    task.releases[0]?.();
    await vi.advanceTimersByTimeAsync(0);

    expect(order).toEqual(["task finished", "beforeExit"]);
    expect(proc.exit).toHaveBeenCalledWith(0);
  });
});
