import { setMaxListeners } from "node:events";
import { readFile } from "node:fs/promises";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  type TimeoutPolicy,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import pLimit from "p-limit";
import { Agent, type Dispatcher } from "undici";
import type { CheckConfig, CheckDefaults, HttpCheckConfig, KubernetesCheckConfig } from "./config";
import { createDnsResolver, type DnsResolver, probeDns } from "./dns-probe";
import { probeHttp } from "./http-probe";
import { kubeConfigSource, loadKubeConfig } from "./kubernetes-client";
import { probeKubernetes } from "./kubernetes-probe";
import type { ProbeContext } from "./probe-context";
import {
  type CancelledCheck,
  type CertificateInfo,
  type CheckResult,
  type CheckRun,
  isCancelled,
  isUnreachable,
  type ProbeOutcome,
} from "./result";
import { probeStatuspage } from "./statuspage-probe";
import { probeTcp } from "./tcp-probe";
import { readPeerCertificate } from "./tls-certificate";

export interface CheckRunnerDeps {
  fetch?: typeof fetch;
  now?: () => Date;
  createResolver?: (server?: string) => DnsResolver;
  /** How long a certificate read is reused for the same origin (certificates change rarely). */
  certificateCacheMs?: number;
  /** How long a loaded kubeconfig is reused (a rotated token file is picked up after this). */
  kubeConfigCacheMs?: number;
}

export interface RunOptions {
  /**
   * Cancels the round (shutdown): running probes are aborted and queued ones never start. A check
   * cut short this way is `cancelled`, not down: the cancel says nothing about its target.
   */
  signal?: AbortSignal;
}

/** A round of checks: results of those that finished, and those the round's cancel cut short or skipped. */
export interface RoundRun {
  /** Finished checks, in the checks' order. */
  results: CheckResult[];
  /** Checks cut short by the cancel (`attempts` > 0) or never started (`attempts` 0), in order. */
  cancelled: CancelledCheck[];
}

/**
 * The endpoint a check probes, which keys its circuit breaker (shared by every check on it):
 * http and statuspage: the URL's origin (`https://api.example.com:8443`, default port left out);
 * tcp: `host:port`; dns: `dns://<server or "system">/<hostname>` (every record type of one name
 * asked of one resolver; a resolver that fails for one name may still answer for others);
 * kubernetes: `kubernetes:<kubeconfig path, "default" or "in-cluster">[@context]` (one cluster's API
 * server, whatever the namespace).
 */
export function targetOf(check: CheckConfig): string {
  switch (check.type) {
    case "http":
    case "statuspage":
      return new URL(check.url).origin;
    case "tcp": {
      const host = check.host.toLowerCase();
      return `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${check.port}`;
    }
    case "dns":
      return `dns://${check.server ?? "system"}/${check.hostname.toLowerCase().replace(/\.$/, "")}`;
    case "kubernetes":
      return `kubernetes:${kubeConfigSource(check)}`;
  }
}

function isDown(value: unknown): boolean {
  return (value as ProbeOutcome | undefined)?.status === "down";
}

/** Thrown inside the policies when the round's signal cut an attempt short; never escapes `run`. */
class RoundCancelledError extends Error {
  constructor() {
    super("round cancelled");
    this.name = "RoundCancelledError";
  }
}

/**
 * Runs checks with a timeout per attempt, retries with exponential backoff and jitter, a circuit
 * breaker per target shared by every check on it (see `targetOf`) and bounded concurrency across a
 * round (cockatiel + p-limit). Keep one runner for the life of a process so breakers and caches
 * carry across rounds. `run`, `runAll` and `runRound` never throw: every failure becomes a `down`
 * result, and a check cut short by the caller's signal becomes `cancelled`.
 */
export class CheckRunner {
  private readonly fetch: typeof fetch;
  private readonly now: () => Date;
  private readonly createResolver: (server?: string) => DnsResolver;
  private readonly certificateCacheMs: number;
  private readonly kubeConfigCacheMs: number;
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();
  private readonly dispatchers = new Map<string, Promise<Agent>>();
  private readonly certificates = new Map<string, { at: number; value: Promise<CertificateInfo> }>();
  private readonly kubeConfigs = new Map<string, { at: number; value: Promise<KubeConfig> }>();
  private readonly policies = new Map<string, IPolicy>();
  private readonly timeouts = new Map<number, TimeoutPolicy>();
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
    this.kubeConfigCacheMs = deps.kubeConfigCacheMs ?? 300_000;
    setMaxListeners(1_000_000, this.idle);
  }

  /**
   * Runs every check, at most `concurrency` at once, and returns the results of those that
   * finished, in the checks' order. After a cancel, checks cut short or not started are left out
   * (`runRound` lists them).
   */
  async runAll(checks: readonly CheckConfig[], options: RunOptions = {}): Promise<CheckResult[]> {
    return (await this.runRound(checks, options)).results;
  }

  /** Like `runAll`, and also says which checks the round's cancel cut short or never started. */
  async runRound(checks: readonly CheckConfig[], options: RunOptions = {}): Promise<RoundRun> {
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
          limit(() => (round.signal.aborted ? notStarted(check) : this.run(check, { signal: round.signal }))),
        ),
      );
      const run: RoundRun = { results: [], cancelled: [] };
      for (const r of settled) {
        if (isCancelled(r)) run.cancelled.push(r);
        else run.results.push(r);
      }
      return run;
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Runs one check. Cut short by `options.signal` (not by its own timeout), it is `cancelled`;
   * a result that finished before the cancel is returned as it is.
   */
  async run(check: CheckConfig, options: RunOptions = {}): Promise<CheckRun> {
    const startedAt = this.now();
    const timeoutMs = check.timeoutMs ?? this.defaults.timeoutMs;
    const retries = check.retries ?? this.defaults.retries;
    let attempts = 0;
    let lastDuration = 0;
    const base = { checkId: check.id, type: check.type, startedAt: startedAt.toISOString() };
    const callerSignal = options.signal ?? this.idle;
    const cancelled = (): CancelledCheck => ({
      ...base,
      status: "cancelled",
      message: "cancelled with the round before it finished",
      durationMs: round(lastDuration),
      attempts,
    });
    try {
      const policy = this.policyFor(check, retries);
      const perAttempt = this.timeoutFor(timeoutMs);
      const outcome: ProbeOutcome = await policy.execute(async () => {
        // A retry whose backoff ended after the cancel does not probe again.
        if (callerSignal.aborted) throw new RoundCancelledError();
        attempts++;
        const began = performance.now();
        try {
          // The timeout is derived from the caller's signal itself, not from the context the
          // breaker passes on: a breaker re-running a call after its half-open test drops that.
          const result = await perAttempt.execute(({ signal }) => this.probe(check, signal), callerSignal);
          // A probe that noticed the abort itself returns a down outcome ("aborted"): no verdict.
          if (callerSignal.aborted && result.status === "down") throw new RoundCancelledError();
          return result;
        } catch (error) {
          // Our timeout and the round's cancel both surface as TaskCancelledError; the signal tells.
          if (callerSignal.aborted) throw new RoundCancelledError();
          throw error;
        } finally {
          lastDuration = performance.now() - began;
        }
      }, callerSignal);
      // Retries stop at a cancel: a down with attempts left over is not the check's verdict.
      if (outcome.status === "down" && callerSignal.aborted && attempts <= retries) return cancelled();
      return { ...base, ...outcome, durationMs: round(lastDuration), attempts };
    } catch (error) {
      if (
        error instanceof RoundCancelledError ||
        (error instanceof TaskCancelledError && callerSignal.aborted)
      )
        return cancelled();
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
      kubeConfigFor: (c) => this.kubeConfigFor(c),
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
      case "kubernetes":
        return probeKubernetes(check, ctx);
    }
  }

  /**
   * Retries around the target's breaker, built once per check: policies hold no per-call state
   * but the breaker's. The per-attempt timeout runs inside (see `run`).
   */
  private policyFor(check: CheckConfig, retries: number): IPolicy {
    const target = targetOf(check);
    const key = `${check.id}|${target}|${retries}`;
    const cached = this.policies.get(key);
    if (cached) return cached;
    const retryPolicy = retry(
      handleWhen(
        (error) => !(error instanceof BrokenCircuitError || error instanceof RoundCancelledError),
      ).orWhenResult(isDown),
      {
        maxAttempts: retries,
        backoff: new ExponentialBackoff({
          initialDelay: this.defaults.retryDelayMs,
          maxDelay: Math.max(this.defaults.retryDelayMs, 10_000),
        }),
      },
    );
    const policy = wrap(retryPolicy, this.breakerFor(target));
    this.policies.set(key, policy);
    return policy;
  }

  /**
   * One breaker per target for the runner's life, shared by every check on it (two checks on a
   * dead origin stop probing it together). It counts attempts that got no answer: timeouts,
   * thrown errors and `unreachableOutcome`s; a down verdict on an answer (status 500, a missing
   * body text) concerns that check only and does not open the breaker for the others. Its
   * settings are the runner's `breaker` defaults, the same for every target.
   */
  private breakerFor(target: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(target);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((error) => !(error instanceof RoundCancelledError)).orWhenResult(isUnreachable),
        {
          halfOpenAfter: this.defaults.breaker.halfOpenAfterMs,
          breaker: new ConsecutiveBreaker(this.defaults.breaker.failures),
        },
      );
      this.breakers.set(target, breaker);
    }
    return breaker;
  }

  private timeoutFor(timeoutMs: number): TimeoutPolicy {
    let policy = this.timeouts.get(timeoutMs);
    if (!policy) {
      // abortOnReturn off: a probe that returned has released its sockets, and aborting a finished
      // signal costs a DOMException per check, measurable across a 1000-check round.
      policy = timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
      this.timeouts.set(timeoutMs, policy);
    }
    return policy;
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

  /**
   * Loaded kubeconfigs, per source, for `kubeConfigCacheMs`: the client's exec plugins (aws eks
   * get-token) cache their tokens per loaded config, so reloading every round would rerun them.
   */
  private kubeConfigFor(check: KubernetesCheckConfig): Promise<KubeConfig> {
    const key = kubeConfigSource(check);
    const nowMs = this.now().getTime();
    const cached = this.kubeConfigs.get(key);
    if (cached && nowMs - cached.at < this.kubeConfigCacheMs) return cached.value;
    const value = loadKubeConfig(check);
    this.kubeConfigs.set(key, { at: nowMs, value });
    value.catch(() => this.kubeConfigs.delete(key));
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

/** A check the round's cancel reached before it started. */
function notStarted(check: CheckConfig): CancelledCheck {
  return {
    checkId: check.id,
    type: check.type,
    status: "cancelled",
    message: "cancelled with the round before it started",
    durationMs: 0,
    attempts: 0,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Runs checks once with a throw-away runner (the CLI's `opsdeck check`); cancelled checks are left out. */
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
