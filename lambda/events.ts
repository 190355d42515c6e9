import { z } from "zod";
import { parseOrThrow, ValidationError } from "../app/lib/validation";

/** An EventBridge schedule's event: the stack's rule fires one per checks interval. */
export const scheduledEventSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  "detail-type": z.literal("Scheduled Event"),
  source: z.literal("aws.events"),
  time: z.iso.datetime({ offset: true }),
  region: z.string(),
  resources: z.array(z.string()),
});

export type ScheduledEvent = z.output<typeof scheduledEventSchema>;

/**
 * The payload format 2.0 HTTP event shared by Lambda Function URLs and API Gateway HTTP APIs:
 * only the fields the Hono adapter reads are checked; the rest passes through untouched.
 */
export const httpEventSchema = z.looseObject({
  version: z.literal("2.0", { error: 'expected "2.0" (payload format 2.0: a Function URL or an HTTP API)' }),
  rawPath: z.string().startsWith("/"),
  rawQueryString: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  cookies: z.array(z.string()).optional(),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean(),
  requestContext: z.looseObject({
    domainName: z.string().optional(),
    requestId: z.string(),
    http: z.looseObject({ method: z.string().min(1), path: z.string(), sourceIp: z.string() }),
  }),
});

export type HttpEvent = z.output<typeof httpEventSchema>;

export type LambdaEvent = { kind: "scheduled"; event: ScheduledEvent } | { kind: "http"; event: HttpEvent };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Tells the two events this function receives apart and validates them. Anything else (an API
 * Gateway REST event, a test invoke with `{}`) is refused with the fields that were wrong.
 */
export function parseLambdaEvent(input: unknown): LambdaEvent {
  if (isRecord(input) && ("detail-type" in input || input.source === "aws.events")) {
    return { kind: "scheduled", event: parseOrThrow(scheduledEventSchema, input, "EventBridge event") };
  }
  if (isRecord(input) && "requestContext" in input) {
    return {
      kind: "http",
      event: parseOrThrow(httpEventSchema, input, "HTTP event (Function URL or API Gateway v2)"),
    };
  }
  throw new ValidationError("Lambda event", [
    {
      path: "(root)",
      message:
        "expected a Function URL / API Gateway v2 HTTP event (requestContext) or an EventBridge scheduled event (detail-type)",
    },
  ]);
}
