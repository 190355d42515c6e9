import { Resolver } from "node:dns/promises";
import type { DnsCheckConfig } from "./config";
import type { ProbeContext } from "./probe-context";
import { downOutcome, type ProbeOutcome, unreachableOutcome } from "./result";

/** Resolver errors that are an answer (no such name, no such record), not a failure to get one. */
const ANSWER_CODES = new Set(["ENOTFOUND", "ENODATA"]);

/** The slice of `dns.promises.Resolver` a DNS check uses; inject another for tests or special setups. */
export interface DnsResolver {
  resolve(hostname: string, rrtype: string): Promise<unknown>;
  cancel(): void;
}

/** A resolver asking `server` (`ip` or `ip:port`), or the system's resolvers. One try: the runner retries. */
export function createDnsResolver(server?: string): DnsResolver {
  const resolver = new Resolver({ tries: 1 });
  if (server) resolver.setServers([server]);
  return resolver;
}

/** Answers as comparable strings: MX as `10 mail.example.com`, TXT chunks joined. */
export function normaliseAnswers(rrtype: string, raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((entry) => {
    if (rrtype === "MX") {
      const mx = entry as { priority: number; exchange: string };
      return `${mx.priority} ${normaliseName(mx.exchange)}`;
    }
    if (rrtype === "TXT") return (entry as string[]).join("");
    return normaliseName(String(entry));
  });
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

export async function probeDns(check: DnsCheckConfig, ctx: ProbeContext): Promise<ProbeOutcome> {
  const resolver = ctx.createResolver(check.server);
  const onAbort = () => resolver.cancel();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  let answers: string[];
  try {
    answers = normaliseAnswers(check.recordType, await resolver.resolve(check.hostname, check.recordType));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    // NXDOMAIN and NODATA are the server's answer about this name; anything else (timeout,
    // refused, SERVFAIL) means no usable answer came back, which counts against the target.
    const outcome = ANSWER_CODES.has(code) ? downOutcome : unreachableOutcome;
    return outcome(`cannot resolve ${check.recordType} ${check.hostname}: ${code}`, {
      conditions: [{ name: "resolve", passed: false, severity: "down", detail: code }],
    });
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
  const expected = check.expect.map((e) => (check.recordType === "TXT" ? e : normaliseName(e)));
  const missing = expected.filter((e) => !answers.includes(e));
  const passed = answers.length > 0 && missing.length === 0;
  const detail =
    answers.length === 0
      ? "no answers"
      : missing.length > 0
        ? `missing ${missing.join(", ")} (got ${answers.join(", ")})`
        : `resolved to ${answers.join(", ")}`;
  return {
    status: passed ? "up" : "down",
    message: detail,
    conditions: [{ name: "answers", passed, severity: "down", detail }],
    answers,
  };
}
