import { setTimeout as delay } from "node:timers/promises";

/** Polls `probe` until it returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

/** Parses a JSON object from the store, or undefined while it is not there. */
export function json<T>(body: Buffer | undefined): T | undefined {
  return body === undefined ? undefined : (JSON.parse(body.toString("utf8")) as T);
}
