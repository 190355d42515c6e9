import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import { parseOrThrow, ValidationError } from "../../app/lib/validation";

/** Validates query parameters at the edge; a bad one is a 400 naming the parameter and the problem. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.output<S> {
  try {
    return parseOrThrow(schema, query, "query");
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const detail = error.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    throw new HTTPException(400, { message: `invalid query: ${detail}`, cause: error });
  }
}
