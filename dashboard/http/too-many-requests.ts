import { HTTPException } from "hono/http-exception";

/** A 429 the error handler answers with `Retry-After` (whole seconds, RFC 9110 §10.2.3). */
export class TooManyRequests extends HTTPException {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(429, { message });
  }
}
