import { z } from "zod";

/** Reusable field schemas, so every section words its errors the same way. */

export const positiveInt = z
  .int({ error: "expected a positive integer" })
  .positive({ error: "expected a positive integer" });

export const nonNegativeInt = z
  .int({ error: "expected a non-negative integer" })
  .nonnegative({ error: "expected a non-negative integer" });

/** A percentage in [0, 100]. */
export const percent = z
  .number({ error: "expected a percentage between 0 and 100" })
  .min(0, { error: "expected a percentage between 0 and 100" })
  .max(100, { error: "expected a percentage between 0 and 100" });

/**
 * Identifiers that end up in store keys and metric labels (`checks/<id>/…`): lower-case letters,
 * digits and dashes, starting with a letter or digit (a leading `_` is reserved for opsdeck's own keys).
 */
export const slug = z.string({ error: "expected a string" }).regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
  error: "expected lower-case letters, digits and dashes (at most 63, not starting with a dash)",
});

/** A host name as it appears in `hosts/<name>.json`. */
export const hostName = z.string({ error: "expected a string" }).regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, {
  error: "expected a host name (letters, digits, dots and dashes)",
});

/** An ISO 8601 timestamp with a zone (`2026-11-21T02:00:00Z`), parsed into a Date. */
export const isoTimestamp = z.iso
  .datetime({ offset: true, error: "expected an ISO 8601 timestamp with a zone, e.g. 2026-11-21T02:00:00Z" })
  .transform((value) => new Date(value));

/** A regular expression given as a string; rejected at load time when it does not compile. */
export const regexSource = z.string().superRefine((value, ctx) => {
  try {
    new RegExp(value);
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `expected a valid regular expression (${(error as Error).message})`,
    });
  }
});
