import type { z } from "zod";

/** One problem found in an input, located by its path (`servers[1].instanceType`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * An input (stack config, app config, a request body, a Lambda event) did not match its schema.
 * The message lists every problem with its full path, so the user can fix all of them at once.
 */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  constructor(
    /** What was being validated, e.g. "stack config" or "opsdeck.yaml". */
    readonly source: string,
    readonly issues: ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(`${source} is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`, options);
  }
}

/** Renders a zod path as people write it: `servers[1].instanceType`, with an optional key prefix. */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" || out.endsWith(":") ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? "(root)" : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod's own messages start with "Invalid input: expected …"; keep the useful part, lower-cased.
  const message = issue.message.replace(/^Invalid (input|option|value):\s*/i, "");
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Converts a zod error into located issues. `prefix` is prepended to every path (e.g. "opsdeck:"). */
export function issuesFromZod(error: z.core.$ZodError, prefix = ""): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path, prefix),
    message: describeIssue(issue),
  }));
}

/**
 * Parses `input` with `schema` or throws a ValidationError naming every bad field.
 * The only place schemas are applied at the edges, so every edge reports errors the same way.
 */
export function parseOrThrow<S extends Schema>(
  schema: S,
  input: unknown,
  source: string,
  options: { pathPrefix?: string } = {},
): z.core.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.core.output<S>;
  const error = result.error as z.core.$ZodError;
  throw new ValidationError(source, issuesFromZod(error, options.pathPrefix), { cause: error });
}

/**
 * A zod schema, classic or mini (zod/mini, for code that must start fast: the log analysis loads
 * ~35 KB of it instead of ~750 KB); both parse alike and report the same issues.
 */
type Schema = z.core.$ZodType & {
  safeParse(input: unknown): { success: boolean; data?: unknown; error?: z.core.$ZodError };
};
