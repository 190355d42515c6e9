import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../../app/lib/logger";
import { TooManyRequests } from "./too-many-requests";

/** JSON for the APIs, plain text for pages: both without internals. */
function problem(c: Context, status: ContentfulStatusCode, message: string): Response {
  if (c.req.path.startsWith("/api/")) return c.json({ error: { status, message } }, status);
  return c.text(message, status);
}

/**
 * Known failures are HTTPExceptions and keep their status and message (auth challenges keep their
 * WWW-Authenticate header). Anything else is logged and becomes a plain 500: no stack, no message.
 */
export function errorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof HTTPException) {
      if (error.res) return error.getResponse();
      if (error instanceof TooManyRequests) c.header("Retry-After", String(error.retryAfterSeconds));
      return problem(c, error.status as ContentfulStatusCode, error.message || "Request failed");
    }
    logger.error(
      { method: c.req.method, path: c.req.path, error: error.message, stack: error.stack },
      "request failed",
    );
    return problem(c, 500, "Internal Server Error");
  };
}

export const notFound: NotFoundHandler = (c) => problem(c, 404, "Not Found");
