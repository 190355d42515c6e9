import { isMap } from "yaml";
import {
  type LocatedIssue,
  parseLocatedYaml,
  pathSegments,
  positionOf,
  unknownKeyOf,
} from "../app/config/yaml-location";
import { ValidationError } from "../app/lib/validation";
import { CONFIG_NAMESPACE, type ConfigSource, configKeys, validateStackConfig } from "./config";
import { secretStandIns } from "./plan/secret-stand-ins";

const PREFIX = `${CONFIG_NAMESPACE}:`;

/**
 * Every problem in a `Pulumi.<stack>.yaml`, each with its key path and line:column, found by the same
 * checks the program runs before creating anything (infra/config.ts). Encrypted values (`secure: …`)
 * cannot be decrypted here; they are checked as present and stored as secrets, and validated with
 * stand-ins that never reach the output. Unlike the program, which reads only the keys it knows, an
 * `opsdeck:` key it does not know is reported: it is a typo that would otherwise be ignored silently.
 */
export function stackFileIssues(text: string): LocatedIssue[] {
  const { doc, lineCounter, syntaxIssues } = parseLocatedYaml(text);
  if (syntaxIssues.length > 0) return syntaxIssues;
  const at = (path: (string | number)[]) => positionOf(doc, lineCounter, path);
  const root = doc.toJS() as { config?: unknown } | null;
  const configNode = doc.get("config", true);
  if (configNode !== undefined && configNode !== null && !isMap(configNode))
    return [{ path: "config", message: "expected a map of config keys", ...at(["config"]) }];

  const entries = Object.entries((root?.config ?? {}) as Record<string, unknown>);
  // The file may write a key as `opsdeck:servers` or, in the project's namespace, as `servers`.
  const fileKey = new Map<string, string>();
  const values = new Map<string, unknown>();
  const secretKeys = new Set<string>();
  const issues: LocatedIssue[] = [];
  for (const [key, value] of entries) {
    const full = key.includes(":") ? key : `${PREFIX}${key}`;
    if (!full.startsWith(PREFIX)) continue; // aws:region and other providers' keys are theirs to check
    const short = full.slice(PREFIX.length);
    fileKey.set(short, key);
    if (!(configKeys as readonly string[]).includes(short)) {
      issues.push({
        path: full,
        message: `unknown key (known: ${configKeys.join(", ")})`,
        ...at(["config", key]),
      });
      continue;
    }
    if (typeof value === "object" && value !== null && "secure" in value) secretKeys.add(short);
    values.set(short, value);
  }

  const standIns = secretStandIns();
  const source: ConfigSource = {
    project: CONFIG_NAMESPACE,
    stack: "validate",
    get: (key) => {
      if (secretKeys.has(key)) return standIns.standIn(key);
      const value = values.get(key);
      // Pulumi hands structured values to the program as JSON text, scalars as their text.
      return value === undefined || typeof value === "string" ? value : JSON.stringify(value);
    },
    isSecret: (key) => secretKeys.has(key),
  };
  try {
    validateStackConfig(source);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const issue of error.issues) issues.push({ ...issue, ...locate(issue.path, issue.message) });
  }
  return issues;

  function locate(path: string, message: string) {
    const [first, ...rest] = pathSegments(path.startsWith(PREFIX) ? path.slice(PREFIX.length) : path);
    const key = typeof first === "string" ? (fileKey.get(first) ?? `${PREFIX}${first}`) : undefined;
    const unknownKey = unknownKeyOf(message);
    const segments =
      key === undefined ? [] : [key, ...rest, ...(unknownKey === undefined ? [] : [unknownKey])];
    return at(["config", ...segments]);
  }
}
