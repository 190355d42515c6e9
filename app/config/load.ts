import { readFile } from "node:fs/promises";
import { type Document, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { formatPath, issuesFromZod, ValidationError, type ValidationIssue } from "../lib/validation";
import { interpolateEnv } from "./interpolate";
import { appConfigSchema } from "./schema";
import { type Env, resolveNotifierSecrets } from "./secrets";

export interface LoadOptions<S extends z.ZodType> {
  /** A composed schema (with `logs`, `backups` sections); the monitoring schema by default. */
  schema?: S;
  /** Where `urlEnv` secrets and `${NAME}` references in config text are read from. */
  env?: Env;
}

type Notified = { notifiers: Parameters<typeof resolveNotifierSecrets>[0]["notifiers"] };

/**
 * Parses config text (YAML, or JSON, which is YAML) and validates it. Every problem is reported
 * with its path and, for text, its line: `checks[2].timeoutMs: expected a positive integer (line 14)`.
 * `${NAME}` references in values are filled from the environment first (docs/monitoring.md).
 */
export function parseAppConfigText<S extends z.ZodType = typeof appConfigSchema>(
  text: string,
  source: string,
  options: LoadOptions<S> = {},
): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => {
      const pos = error.linePos?.[0];
      return {
        path: pos ? `line ${pos.line}, column ${pos.col}` : "(yaml)",
        // prettyErrors appends " at line L, column C:" and a code excerpt; the path carries the position.
        message: (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, ""),
      };
    });
    throw new ValidationError(source, issues, { cause: doc.errors[0] });
  }
  const unfilled = interpolateEnv(doc, options.env ?? process.env);
  if (unfilled.length > 0) {
    const issues = unfilled.map(({ path, message, offset }) => ({
      path: formatPath(path),
      message: offset === undefined ? message : `${message} (line ${lineCounter.linePos(offset).line})`,
    }));
    throw new ValidationError(source, issues);
  }
  const raw = doc.toJS() ?? {};
  return validate(raw, source, options, (issue, zodIssue) => {
    const line = lineOf(doc, lineCounter, zodIssue);
    return line === undefined ? issue : { ...issue, message: `${issue.message} (line ${line})` };
  });
}

/** Validates an already-parsed object (stack config delivered as JSON). */
export function parseAppConfig<S extends z.ZodType = typeof appConfigSchema>(
  input: unknown,
  source: string,
  options: LoadOptions<S> = {},
): z.output<S> {
  return validate(input ?? {}, source, options, (issue) => issue);
}

export async function loadAppConfigFile<S extends z.ZodType = typeof appConfigSchema>(
  file: string,
  options: LoadOptions<S> = {},
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ValidationError(
      file,
      [{ path: "(file)", message: `cannot read: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
  return parseAppConfigText(text, file, options);
}

/**
 * Where a process finds its config, first match wins: `file` (an explicit `--config`), then
 * `OPSDECK_CONFIG` (YAML/JSON text, how the deployed stack passes it), `OPSDECK_CONFIG_FILE`;
 * otherwise the defaults. The CLI, the server and the Lambda all load it this way.
 */
export async function loadAppConfig<S extends z.ZodType = typeof appConfigSchema>(
  options: LoadOptions<S> & { file?: string } = {},
): Promise<{ config: z.output<S>; source: string }> {
  const env = options.env ?? process.env;
  const opts = { ...options, env };
  if (options.file) return { config: await loadAppConfigFile(options.file, opts), source: options.file };
  const inline = env.OPSDECK_CONFIG;
  if (inline !== undefined && inline.trim() !== "") {
    return { config: parseAppConfigText(inline, "OPSDECK_CONFIG", opts), source: "OPSDECK_CONFIG" };
  }
  const file = env.OPSDECK_CONFIG_FILE;
  if (file) return { config: await loadAppConfigFile(file, opts), source: file };
  return { config: parseAppConfig({}, "defaults", opts), source: "defaults" };
}

function validate<S extends z.ZodType>(
  input: unknown,
  source: string,
  options: LoadOptions<S>,
  locate: (issue: ValidationIssue, zodIssue: z.core.$ZodIssue) => ValidationIssue,
): z.output<S> {
  const schema = (options.schema ?? appConfigSchema) as S;
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = issuesFromZod(result.error).map((issue, i) => {
      const zodIssue = result.error.issues[i];
      return zodIssue ? locate(issue, zodIssue) : issue;
    });
    throw new ValidationError(source, issues, { cause: result.error });
  }
  return resolveNotifierSecrets(result.data as z.output<S> & Notified, options.env ?? process.env, source);
}

/** The line of the YAML node an issue points at, or of its nearest existing ancestor. */
function lineOf(doc: Document, lineCounter: LineCounter, issue: z.core.$ZodIssue): number | undefined {
  const path = issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment));
  // An unknown key: point at the key itself.
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    const keyNode = depth > 0 ? findKeyNode(doc, path.slice(0, depth)) : undefined;
    const offset = keyNode?.range?.[0] ?? node?.range?.[0];
    if (offset !== undefined) return lineCounter.linePos(offset).line;
  }
  return undefined;
}

/** The key node of a map entry, so a missing-or-wrong value is reported on its key's line. */
function findKeyNode(
  doc: Document,
  path: (string | number)[],
): { range?: [number, number, number] } | undefined {
  const parent = doc.getIn(path.slice(0, -1), true) as { items?: unknown[] } | undefined;
  const last = path[path.length - 1];
  if (!parent?.items || typeof last !== "string") return undefined;
  for (const item of parent.items) {
    const pair = item as { key?: { value?: unknown; range?: [number, number, number] } };
    if (pair.key?.value === last) return pair.key;
  }
  return undefined;
}
