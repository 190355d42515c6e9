import { z } from "zod";
import { nonNegativeInt, positiveInt, slug } from "../config/fields";

/**
 * A webhook URL is a secret: give it inline (`url`) only in a file kept out of version control,
 * or name the environment variable that holds it (`urlEnv`) — the way deployed stacks pass secrets.
 */
const webhookTarget = {
  url: z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }).optional(),
  urlEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected an environment variable name" })
    .optional(),
  timeoutMs: positiveInt.default(5_000),
  /** Extra attempts after a failed delivery. */
  retries: nonNegativeInt.max(10).default(2),
  retryDelayMs: positiveInt.default(500),
};

function exactlyOneTarget(n: { url?: string | undefined; urlEnv?: string | undefined }): boolean {
  return (n.url === undefined) !== (n.urlEnv === undefined);
}
const targetMessage = { error: "expected exactly one of url or urlEnv", path: ["url"] };

export const slackNotifierSchema = z
  .strictObject({ name: slug, type: z.literal("slack"), ...webhookTarget })
  .refine(exactlyOneTarget, targetMessage);

export const webhookNotifierSchema = z
  .strictObject({
    name: slug,
    type: z.literal("webhook"),
    ...webhookTarget,
    headers: z.record(z.string(), z.string()).default({}),
  })
  .refine(exactlyOneTarget, targetMessage);

export const logNotifierSchema = z.strictObject({
  name: slug,
  type: z.literal("log"),
  level: z.enum(["info", "warn", "error"]).default("warn"),
});

export const notifierSchema = z.discriminatedUnion("type", [
  slackNotifierSchema,
  webhookNotifierSchema,
  logNotifierSchema,
]);

export const notifiersSchema = z.array(notifierSchema).superRefine((notifiers, ctx) => {
  const seen = new Set<string>();
  notifiers.forEach((notifier, index) => {
    if (seen.has(notifier.name))
      ctx.addIssue({ code: "custom", path: [index, "name"], message: "duplicate name" });
    seen.add(notifier.name);
  });
});

export type NotifierConfig = z.output<typeof notifierSchema>;
export type SlackNotifierConfig = z.output<typeof slackNotifierSchema>;
export type WebhookNotifierConfig = z.output<typeof webhookNotifierSchema>;
