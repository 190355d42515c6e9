import type { Dispatcher } from "undici";
import type { HttpCheckConfig } from "./config";
import { evaluateHttp } from "./http-conditions";
import type { ProbeContext } from "./probe-context";
import {
  type CertificateInfo,
  downOutcome,
  outcomeFromConditions,
  type ProbeOutcome,
  unreachableOutcome,
} from "./result";

/** Bodies are read up to this size; checks look at health endpoints, not downloads. */
export const MAX_BODY_BYTES = 1024 * 1024;

export async function probeHttp(check: HttpCheckConfig, ctx: ProbeContext): Promise<ProbeOutcome> {
  const url = new URL(check.url);
  // The handshake that reads the certificate runs beside the request, not after it.
  const certificate: Promise<CertificateInfo | Error | undefined> =
    url.protocol === "https:"
      ? ctx.certificateFor(check, url, ctx.signal).catch((error: Error) => error)
      : Promise.resolve(undefined);

  let dispatcher: Dispatcher | undefined;
  try {
    dispatcher = await ctx.dispatcherFor(check);
  } catch (error) {
    // A local problem (the CA file cannot be read), not the target's: a plain down.
    await certificate;
    return downOutcome(`cannot set up the request: ${(error as Error).message}`);
  }
  const started = performance.now();
  let response: Response;
  try {
    response = await ctx.fetch(check.url, {
      method: check.method,
      headers: check.headers,
      ...(check.body !== undefined ? { body: check.body } : {}),
      redirect: check.followRedirects ? "follow" : "manual",
      signal: ctx.signal,
      ...(dispatcher ? { dispatcher } : {}),
    } as RequestInit);
  } catch (error) {
    await certificate;
    return unreachableOutcome(`request failed: ${describeFetchError(error)}`);
  }
  let body: { text: string; truncated: boolean };
  try {
    body = await readBody(response);
  } catch (error) {
    await certificate;
    return unreachableOutcome(`reading the body failed: ${describeFetchError(error)}`, {
      statusCode: response.status,
    });
  }
  const durationMs = performance.now() - started;
  const cert = await certificate;
  const conditions = evaluateHttp(check, {
    status: response.status,
    body: body.text,
    truncated: body.truncated,
    durationMs,
    ...(cert instanceof Error || cert === undefined ? {} : { certificate: cert }),
  });
  if (cert instanceof Error) {
    conditions.push({
      name: "certificate",
      passed: false,
      severity: "degraded",
      detail: `cannot read certificate: ${cert.message}`,
    });
  }
  return outcomeFromConditions(conditions, {
    statusCode: response.status,
    ...(cert instanceof Error || cert === undefined ? {} : { certificate: cert }),
  });
}

async function readBody(response: Response): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY_BYTES) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8");
  return { text, truncated };
}

/** undici hides the useful part (ECONNREFUSED, certificate errors) in `cause`. */
export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "AbortError" || error.name === "TimeoutError") return "aborted (timeout)";
  const cause = error.cause as { code?: string; message?: string } | undefined;
  if (cause?.code && cause.message) return `${cause.code}: ${cause.message}`;
  if (cause?.message) return cause.message;
  return error.message;
}
