import { z } from "zod";

/** Schema for CheckResults read back from the store (they are external input there). */
export const checkResultSchema = z.object({
  checkId: z.string(),
  type: z.enum(["http", "statuspage", "tcp", "dns", "kubernetes"]),
  status: z.enum(["up", "degraded", "down"]),
  startedAt: z.string(),
  durationMs: z.number(),
  attempts: z.number(),
  message: z.string(),
  conditions: z.array(
    z.object({
      name: z.string(),
      passed: z.boolean(),
      severity: z.enum(["degraded", "down"]),
      detail: z.string().optional(),
    }),
  ),
  statusCode: z.number().optional(),
  certificate: z
    .object({
      subject: z.string().optional(),
      issuer: z.string().optional(),
      validTo: z.string(),
      daysLeft: z.number(),
      authorized: z.boolean(),
      authorizationError: z.string().optional(),
    })
    .optional(),
  answers: z.array(z.string()).optional(),
  maintenance: z.string().optional(),
});
