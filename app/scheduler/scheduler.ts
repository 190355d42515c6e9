import type { Logger } from "../lib/logger";
import { silentLogger } from "../lib/logger";

/** A job the scheduler runs every `everyMs`, never overlapping itself. */
export interface TaskSpec {
  name: string;
  everyMs: number;
  /**
   * The work. `signal` aborts when the scheduler stops: finish or skip what is left, but never
   * leave a half-written object (store writes are atomic; do not start new ones after abort).
   */
  run(signal: AbortSignal): Promise<unknown>;
  /** Run once as soon as the scheduler starts (default true). */
  runAtStart?: boolean;
}

export interface TaskStatus {
  name: string;
  everyMs: number;
  running: boolean;
  runs: number;
  failures: number;
  lastStartedAt?: string;
  lastFinishedAt?: string;
  lastDurationMs?: number;
  lastError?: string;
  nextRunAt?: string;
}

interface Entry {
  spec: TaskSpec;
  status: TaskStatus;
  timer?: ReturnType<typeof setTimeout>;
  current?: Promise<void>;
}

export interface SchedulerOptions {
  logger?: Logger;
  now?: () => Date;
  /** Called after every run (e.g. to record last runs or update metrics). */
  onRunFinished?: (status: TaskStatus) => void;
}

/**
 * Runs registered tasks at their intervals in a long-running process. A task's next run is
 * planned when its current one ends (fixed rate, no overlap: a slow run delays the next, it never
 * runs twice at once). A failing run is logged and counted; it never stops the scheduler.
 */
export class Scheduler {
  private readonly tasks = new Map<string, Entry>();
  private readonly controller = new AbortController();
  private started = false;
  private stopping = false;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: SchedulerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
  }

  /** Adds a task; other parts (log follow, backups) register theirs before or after `start`. */
  register(spec: TaskSpec): this {
    if (this.tasks.has(spec.name)) throw new Error(`a task named ${spec.name} is already registered`);
    if (!(spec.everyMs > 0)) throw new Error(`task ${spec.name}: everyMs must be positive`);
    const entry: Entry = {
      spec,
      status: { name: spec.name, everyMs: spec.everyMs, running: false, runs: 0, failures: 0 },
    };
    this.tasks.set(spec.name, entry);
    if (this.started && !this.stopping) this.plan(entry, spec.runAtStart === false ? spec.everyMs : 0);
    return this;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const entry of this.tasks.values())
      this.plan(entry, entry.spec.runAtStart === false ? entry.spec.everyMs : 0);
  }

  /**
   * Stops planning runs, aborts the running ones' signal and waits for them to finish (up to
   * `graceMs`), so a shutdown never cuts a write in half. Resolves with the tasks still running
   * when the grace period ran out (empty on a clean stop).
   */
  async stop(graceMs = 20_000): Promise<string[]> {
    this.stopping = true;
    for (const entry of this.tasks.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      delete entry.status.nextRunAt;
    }
    this.controller.abort();
    const running = [...this.tasks.values()].filter((e) => e.current);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), graceMs);
    });
    const done = Promise.all(running.map((e) => e.current)).then(() => "done" as const);
    const outcome = await Promise.race([done, deadline]);
    clearTimeout(timer);
    if (outcome === "done") return [];
    const late = running.filter((e) => e.status.running).map((e) => e.spec.name);
    this.logger.warn({ tasks: late }, "shutdown grace period ended with tasks still running");
    return late;
  }

  /** Runs a task now (if it is not already running) and resolves when that run ends. */
  async runNow(name: string): Promise<void> {
    const entry = this.tasks.get(name);
    if (!entry) throw new Error(`no task named ${name}`);
    await (entry.current ?? this.execute(entry));
  }

  status(): TaskStatus[] {
    return [...this.tasks.values()].map((e) => ({ ...e.status }));
  }

  private plan(entry: Entry, delayMs: number): void {
    if (this.stopping) return;
    clearTimeout(entry.timer);
    entry.status.nextRunAt = new Date(this.now().getTime() + delayMs).toISOString();
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.execute(entry);
    }, delayMs);
  }

  private execute(entry: Entry): Promise<void> {
    if (entry.current) return entry.current;
    const started = this.now();
    const startedMs = performance.now();
    entry.status.running = true;
    entry.status.lastStartedAt = started.toISOString();
    entry.current = (async () => {
      try {
        await entry.spec.run(this.controller.signal);
        delete entry.status.lastError;
      } catch (error) {
        entry.status.failures++;
        entry.status.lastError = (error as Error)?.message ?? String(error);
        this.logger.error({ task: entry.spec.name, error: entry.status.lastError }, "scheduled task failed");
      } finally {
        entry.status.runs++;
        entry.status.running = false;
        entry.status.lastFinishedAt = this.now().toISOString();
        entry.status.lastDurationMs = Math.round(performance.now() - startedMs);
        entry.current = undefined;
        this.options.onRunFinished?.({ ...entry.status });
        if (this.started && !this.stopping && this.tasks.has(entry.spec.name)) {
          const elapsed = this.now().getTime() - started.getTime();
          this.plan(entry, Math.max(0, entry.spec.everyMs - elapsed));
        }
      }
    })();
    return entry.current;
  }
}

export interface ShutdownOptions {
  graceMs?: number;
  signals?: NodeJS.Signals[];
  /** The process whose signals to handle (injectable for tests). */
  process?: Pick<NodeJS.Process, "once" | "off" | "exit">;
  logger?: Logger;
  /** Called after the scheduler stopped, before exiting (close servers, flush logs). */
  beforeExit?: () => Promise<void> | void;
}

/**
 * On SIGTERM/SIGINT: stop the scheduler (letting running tasks finish their writes), run
 * `beforeExit`, then exit 0 (1 if tasks were still running at the deadline). Returns a disposer.
 */
export function handleShutdownSignals(scheduler: Scheduler, options: ShutdownOptions = {}): () => void {
  const proc = options.process ?? process;
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const logger = options.logger ?? silentLogger;
  let handled = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (handled) return;
    handled = true;
    logger.info({ signal }, "shutting down");
    const late = await scheduler.stop(options.graceMs);
    await options.beforeExit?.();
    proc.exit(late.length > 0 ? 1 : 0);
  };
  for (const signal of signals) proc.once(signal, onSignal);
  return () => {
    for (const signal of signals) proc.off(signal, onSignal);
  };
}
