import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** The repository root (where Pulumi.yaml lives). */
export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface StackConfigFiles {
  /** Config by full key, as the CLI would hand it to the program. */
  config: Record<string, unknown>;
  /** Full keys whose values are secrets. */
  secretKeys: string[];
}

/** A stack file names a value that is encrypted and cannot be read offline without a stand-in. */
export class EncryptedConfigError extends Error {
  override readonly name = "EncryptedConfigError";
  constructor(
    readonly stackName: string,
    readonly key: string,
  ) {
    super(`Pulumi.${stackName}.yaml: ${key} is encrypted; pass a stand-in value for it`);
  }
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` and merges them the way the Pulumi CLI does: project
 * defaults for every key the stack leaves unset, stack values otherwise. Encrypted values cannot be
 * decrypted offline; `secrets` supplies stand-ins for them (by full key), or a function making one.
 */
export function readStackConfig(
  stack: string,
  options: {
    root?: string;
    secrets?: Record<string, string> | ((key: string) => string | undefined);
  } = {},
): StackConfigFiles {
  const root = options.root ?? REPO_ROOT;
  const project = parseYaml(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config?: Record<string, unknown>;
  };
  const stackFile = parseYaml(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  } | null;
  const fullKey = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
  const standIn = (key: string) =>
    typeof options.secrets === "function" ? options.secrets(key) : options.secrets?.[key];

  const config: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const isDeclaration =
      typeof declaration === "object" && declaration !== null && !Array.isArray(declaration);
    const value = isDeclaration
      ? ((declaration as Record<string, unknown>).value ?? (declaration as Record<string, unknown>).default)
      : declaration;
    if (value !== undefined) config[fullKey(key)] = value;
  }
  for (const [key, value] of Object.entries(stackFile?.config ?? {})) {
    const name = fullKey(key);
    if (typeof value === "object" && value !== null && "secure" in value) {
      const replacement = standIn(name);
      if (replacement === undefined) throw new EncryptedConfigError(stack, name);
      config[name] = replacement;
      secretKeys.push(name);
    } else {
      config[name] = value;
    }
  }
  return { config, secretKeys };
}
