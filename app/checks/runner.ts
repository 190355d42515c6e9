import { setMaxListeners } from "node:events";
import { readFile } from "node:fs/promises";
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import pLimit from "p-limit";
import { Agent, type Dispatcher } from "undici";
import type { CheckConfig, CheckDefaults, HttpCheckConfig } from "./config";
import { createDnsResolver, type DnsResolver, probeDns } from "./dns-probe";
import { probeHttp } from "./http-probe";
import type { ProbeContext } from "./probe-context";
import type { CertificateInfo, CheckResult, ProbeOutcome } from "./result";
import { probeStatuspage } from "./statuspage-probe";
import { probeTcp } from "./tcp-probe";
import { readPeerCertificate } from "./tls-certificate";

export interface CheckRunnerDeps {
  fetch?: typeof fetch;
  now?: () => Date;
  createResolver?: (server?: string) => DnsResolver;
  /** How long a certificate read is reused for the same origin (certificates change rarely). */
  certificateCacheMs?: number;
}

export interface RunOptions {
  /** Cancels the round: running probes are aborted, queued ones never start. */
  signal?: AbortSignal;
}

/** Where a check points; a breaker belongs to one check and one target. */
export function targetOf(check: CheckConfig): string {
  switch (check.type) {
    case "http":
    case "statuspage":
      return new URL(check.url).origin;
    case "tcp":
      return `${check.host}:${check.port}`;
    case "dns":
      return `${check.recordType} ${check.hostname}@${check.server ?? "system"}`;
  }
}

function isDown(value: unknown): boolean {
  return (value as ProbeOutcome | undefined)?.status === "down";
}

/**
 * Runs checks with a timeout per attempt, retries with exponential backoff and jitter, a circuit
 * breaker per check target and bounded concurrency across a round (cockatiel + p-limit).
 * Keep one runner for the life of a process so breakers and caches carry across rounds.
 * `run` and `runAll` never throw: every failure becomes a `down` result.
 */
export class CheckRunner {
  private readonly fetch: typeof fetch;
  private readonly now: () => Date;
  private readonly createResolver: (server?: string) => DnsResolver;
  private readonly certificateCacheMs: number;
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();
  private readonly dispatchers = new Map<string, Promise<Agent>>();
  private readonly certificates = new Map<string, { at: number; value: Promise<CertificateInfo> }>();
  private readonly policies = new Map<string, IPolicy>();
  /** Signal for calls without one; shared, so a run does not pay for a fresh AbortController. */
  private readonly idle = new AbortController().signal;

  constructor(
    private readonly defaults: CheckDefaults,
    deps: CheckRunnerDeps = {},
  ) {
    this.fetch = deps.fetch ?? globalThis.fetch;
    this.now = deps.now ?? (() => new Date());
    this.createResolver = deps.createResolver ?? createDnsResolver;
    this.certificateCacheMs = deps.certificateCacheMs ?? 3_600_000;
    setMaxListeners(1_000_000, this.idle);
  }

  /**
   * Runs every check, at most `concurrency` at once; results come back in the checks' order.
   * After a cancel, checks that had not started are left out of the results.
   */
  async runAll(checks: readonly CheckConfig[], options: RunOptions = {}): Promise<CheckResult[]> {
    const limit = pLimit(this.defaults.concurrency);
    // One round signal that every running check listens to: allow that many listeners.
    const round = new AbortController();
    setMaxListeners(this.defaults.concurrency * 4 + 16, round.signal);
    const onAbort = () => round.abort();
    if (options.signal?.aborted) round.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      // Queued checks look at the signal when their turn comes, so a cancelled round drains quickly.
      const settled = await Promise.all(
        checks.map((check) =>
          limit(() => (round.signal.aborted ? undefined : this.run(check, { signal: round.signal }))),
        ),
      );
      return settled.filter((r): r is CheckResult => r !== undefined);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  async run(check: CheckConfig, options: RunOptions = {}): Promise<CheckResult> {
    const startedAt = this.now();
    const timeoutMs = check.timeoutMs ?? this.defaults.timeoutMs;
    let attempts = 0;
    let lastDuration = 0;
    const base = { checkId: check.id, type: check.type, startedAt: startedAt.toISOString() };
    try {
      const policy = this.policyFor(check, timeoutMs);
      const callerSignal = options.signal ?? this.idle;
      const outcome = await policy.execute(async ({ signal }) => {
        attempts++;
        const began = performance.now();
        try {
          return await this.probe(check, signal);
        } finally {
          lastDuration = performance.now() - began;
        }
      }, callerSignal);
      return { ...base, ...outcome, durationMs: round(lastDuration), attempts };
    } catch (error) {
      return { ...base, ...failureOutcome(error, timeoutMs), durationMs: round(lastDuration), attempts };
    }
  }

  /** Closes pooled connections (agents for private-CA checks). */
  async close(): Promise<void> {
    const agents = await Promise.allSettled([...this.dispatchers.values()]);
    this.dispatchers.clear();
    await Promise.all(agents.map((a) => (a.status === "fulfilled" ? a.value.close() : undefined)));
  }

  private probe(check: CheckConfig, signal: AbortSignal): Promise<ProbeOutcome> {
    const ctx: ProbeContext = {
      signal,
      now: this.now,
      fetch: this.fetch,
      dispatcherFor: (c) => this.dispatcherFor(c),
      certificateFor: (c, url, s) => this.certificateFor(c, url, s),
      createResolver: this.createResolver,
    };
    switch (check.type) {
      case "http":
        return probeHttp(check, ctx);
      case "statuspage":
        return probeStatuspage(check, ctx);
      case "tcp":
        return probeTcp(check, ctx);
      case "dns":
        return probeDns(check, ctx);
    }
  }

  /** The composed policy of a check, built once: policies hold no per-call state but the breaker's. */
  private policyFor(check: CheckConfig, timeoutMs: number): IPolicy {
    const retries = check.retries ?? this.defaults.retries;
    const key = `${check.id}|${targetOf(check)}|${timeoutMs}|${retries}`;
    const cached = this.policies.get(key);
    if (cached) return cached;
    const retryPolicy = retry(
      handleWhen((error) => !(error instanceof BrokenCircuitError)).orWhenResult(isDown),
      {
        maxAttempts: retries,
        backoff: new ExponentialBackoff({
          initialDelay: this.defaults.retryDelayMs,
          maxDelay: Math.max(this.defaults.retryDelayMs, 10_000),
        }),
      },
    );
    // abortOnReturn off: a probe that returned has released its sockets, and aborting a finished
    // signal costs a DOMException per check, measurable across a 1000-check round.
    const policy = wrap(
      retryPolicy,
      this.breakerFor(check),
      timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }),
    );
    this.policies.set(key, policy);
    return policy;
  }

  private breakerFor(check: CheckConfig): CircuitBreakerPolicy {
    // A new target (the config changed) starts with a fresh breaker.
    const key = `${check.id}|${targetOf(check)}`;
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = circuitBreaker(handleAll.orWhenResult(isDown), {
        halfOpenAfter: this.defaults.breaker.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.defaults.breaker.failures),
      });
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  private async dispatcherFor(check: HttpCheckConfig): Promise<Dispatcher | undefined> {
    const { caFile, insecure } = check.tls;
    if (caFile === undefined && !insecure) return undefined;
    const key = `${caFile ?? ""}|${insecure}`;
    let agent = this.dispatchers.get(key);
    if (!agent) {
      agent = (async () => {
        const ca = caFile ? await readFile(caFile) : undefined;
        return new Agent({ connect: { ...(ca ? { ca } : {}), rejectUnauthorized: !insecure } });
      })();
      this.dispatchers.set(key, agent);
      agent.catch(() => this.dispatchers.delete(key));
    }
    return agent;
  }

  private certificateFor(check: HttpCheckConfig, url: URL, signal: AbortSignal): Promise<CertificateInfo> {
    const port = url.port === "" ? 443 : Number(url.port);
    const key = `${url.hostname}:${port}|${check.tls.caFile ?? ""}`;
    const nowMs = this.now().getTime();
    const cached = this.certificates.get(key);
    if (cached && nowMs - cached.at < this.certificateCacheMs) return cached.value;
    const value = (async () => {
      const ca = check.tls.caFile ? await readFile(check.tls.caFile) : undefined;
      return readPeerCertificate({
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port,
        ...(ca ? { ca } : {}),
        signal,
        now: this.now(),
      });
    })();
    this.certificates.set(key, { at: nowMs, value });
    value.catch(() => this.certificates.delete(key));
    return value;
  }
}

function failureOutcome(error: unknown, timeoutMs: number): ProbeOutcome {
  if (error instanceof TaskCancelledError) {
    return { status: "down", message: `timed out after ${timeoutMs} ms`, conditions: [] };
  }
  if (error instanceof BrokenCircuitError) {
    return { status: "down", message: "circuit open: not probed after repeated failures", conditions: [] };
  }
  return {
    status: "down",
    message: `check failed: ${(error as Error)?.message ?? String(error)}`,
    conditions: [],
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Runs checks once with a throw-away runner (the CLI's `opsdeck check`). */
export async function runChecksOnce(
  checks: readonly CheckConfig[],
  defaults: CheckDefaults,
  deps: CheckRunnerDeps = {},
  options: RunOptions = {},
): Promise<CheckResult[]> {
  const runner = new CheckRunner(defaults, deps);
  try {
    return await runner.runAll(checks, options);
  } finally {
    await runner.close();
  }
}
