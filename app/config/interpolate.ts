import { type Document, isPair, isScalar, isSeq, parse as parseYamlScalar, type Scalar, visit } from "yaml";
import type { Env } from "./secrets";

/** A reference that could not be filled, with the scalar it sits in. */
export interface InterpolationIssue {
  /** Segments from the document root to the scalar (`["checks", 0, "url"]`). */
  path: (string | number)[];
  message: string;
  /** Offset of the scalar in the source text, for its line. */
  offset?: number;
}

/**
 * `${NAME}`, `${NAME:-default}` (default when unset or empty), `${NAME-default}` (default when unset)
 * and `${NAME:?message}` (required, with a hint), as POSIX shells and docker compose spell them.
 * `$${…}` is a literal `${…}`. A bare `$NAME` is left alone: `$` ends regexes in check configs.
 */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-|:\?)(.*))?$/s;

/**
 * Fills environment references in the document's values, in place, before the schema sees them, so
 * one config follows the process it runs in (`url: http://127.0.0.1:${PORT:-3000}/healthz`). An
 * unquoted scalar is typed after filling, as if its value had been written there (`port: ${PORT:-3000}`
 * becomes the number 3000); a quoted one stays a string. Keys are never filled. Every reference that
 * cannot be filled is reported; none is left half-filled.
 */
export function interpolateEnv(doc: Document, env: Env): InterpolationIssue[] {
  const issues: InterpolationIssue[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("$")) return;
      const path = pathTo(ancestors, node);
      const filled = fillReferences(node.value, env, (message) =>
        issues.push({ path, message, offset: node.range?.[0] }),
      );
      if (filled === undefined || filled === node.value) return;
      node.value = node.type === "PLAIN" ? typedPlainScalar(filled) : filled;
    },
  });
  return issues;
}

/** The text with every reference filled, or undefined after reporting each one that cannot be. */
export function fillReferences(
  text: string,
  env: Env,
  report: (message: string) => void,
): string | undefined {
  let failed = false;
  const filled = text.replace(REFERENCE, (whole, expression: string | undefined) => {
    if (expression === undefined) return "${";
    const match = EXPRESSION.exec(expression);
    if (!match) {
      failed = true;
      report(
        `\${${expression}} is not a valid reference: expected \${NAME}, \${NAME:-default} or \${NAME:?message}`,
      );
      return whole;
    }
    const [, name = "", operator, operand = ""] = match;
    const value = env[name];
    const unset = value === undefined;
    const empty = unset || value === "";
    if (operator === ":-") return empty ? operand : value;
    if (operator === "-") return unset ? operand : value;
    if (operator === ":?" && empty) {
      failed = true;
      report(`environment variable ${name} is not set${operand ? `: ${operand}` : ""}`);
      return whole;
    }
    if (unset) {
      failed = true;
      report(`environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
      return whole;
    }
    return value;
  });
  return failed ? undefined : filled;
}

/** A plain scalar's value once filled: a number or boolean when it reads as one, else the text. */
function typedPlainScalar(text: string): unknown {
  try {
    const value: unknown = parseYamlScalar(text);
    return typeof value === "number" || typeof value === "boolean" ? value : text;
  } catch {
    return text;
  }
}

function pathTo(ancestors: readonly unknown[], node: Scalar): (string | number)[] {
  const path: (string | number)[] = [];
  ancestors.forEach((ancestor, i) => {
    if (isPair(ancestor))
      path.push(isScalar(ancestor.key) ? String(ancestor.key.value) : String(ancestor.key));
    else if (isSeq(ancestor)) path.push(ancestor.items.indexOf(ancestors[i + 1] ?? node));
  });
  return path;
}
