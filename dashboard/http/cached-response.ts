import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { DashboardEnv } from "./env";
import { requestHeader } from "./request-header";
import { markPrebuilt } from "./security";

/** A response body rendered once per snapshot, with its ETag and every header prebuilt. */
export interface CachedBody {
  body: Uint8Array;
  etag: string;
  /** Headers of the 200 response (content type and length included). */
  headers: Record<string, string>;
  /** Headers of a 304 (no body headers). */
  notModifiedHeaders: Record<string, string>;
}

/** Encodes a rendered body once and derives its strong ETag from the content. */
export function cachedBody(text: string, contentType: string, headers: Record<string, string>): CachedBody {
  const body = Buffer.from(text, "utf8");
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  return {
    body,
    etag,
    headers: { ...headers, "content-type": contentType, "content-length": String(body.byteLength), etag },
    notModifiedHeaders: { ...headers, etag },
  };
}

/** True when an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === bare);
}

/**
 * Answers with a cached body, or 304 when the client has it. The Response is built from a plain
 * header record so the Node adapter writes it without materialising a Headers object.
 */
export function respondCached(c: Context<DashboardEnv>, cached: CachedBody): Response {
  markPrebuilt(c);
  const ifNoneMatch = requestHeader(c, "if-none-match");
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, cached.etag)) {
    return new Response(null, { status: 304, headers: cached.notModifiedHeaders });
  }
  return new Response(cached.body, { status: 200, headers: cached.headers });
}
