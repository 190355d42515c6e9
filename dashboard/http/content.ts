import { HTTPException } from "hono/http-exception";
import type { Viewer } from "../auth-types";
import type { RefreshingValue } from "../cache/refreshing";
import type { Snapshot } from "../cache/snapshot";

export const HTML = "text/html; charset=utf-8";
export const JSON_TYPE = "application/json; charset=utf-8";
export const SVG = "image/svg+xml; charset=utf-8";

/**
 * Headers of a response whose content depends on who asks: revalidated on every use (the ETag
 * makes that a 304), never stored by shared caches when it holds operator detail.
 */
export function viewerHeaders(security: Record<string, string>, viewer: Viewer): Record<string, string> {
  return {
    ...security,
    "cache-control": viewer === "operator" ? "private, no-cache" : "no-cache",
    vary: "Authorization",
  };
}

/** The snapshot to serve, or a 503 when the stored state could never be read. */
export async function currentSnapshot<T>(value: Pick<RefreshingValue<T>, "get">): Promise<Snapshot<T>> {
  try {
    return await value.get();
  } catch (error) {
    throw new HTTPException(503, { message: "status data is not available right now", cause: error });
  }
}

/**
 * Answers from the snapshot: synchronously while it is fresh (no promise on the hot path), after
 * waiting for a load otherwise.
 */
export function fromSnapshot<T>(
  value: Pick<RefreshingValue<T>, "get" | "fresh">,
  answer: (snapshot: Snapshot<T>) => Response,
): Response | Promise<Response> {
  const fresh = value.fresh();
  return fresh ? answer(fresh) : currentSnapshot(value).then(answer);
}
