import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { configKeys, loadConfig, stackConfigSchema } from "../../infra/config";
import { readStackConfig } from "../support/pulumi-mocks";

const root = path.resolve(__dirname, "../..");
const project = parseYaml(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
  name: string;
  runtime: { name: string; options: { typescript: boolean } };
  main: string;
  config: Record<string, { type?: string; description?: string; default?: unknown }>;
};
const devStackText = readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

/** Dotted paths of every field in a parsed value (`loadBalancer.healthCheck.path`); lists count as leaves. */
function fieldPaths(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) =>
    fieldPaths(inner, prefix === "" ? key : `${prefix}.${key}`),
  );
}

/** A config source over the merged stack config, the way the engine would hand it to the program. */
function sourceFor(stack: string) {
  const { config, secretKeys } = readStackConfig(stack);
  return {
    project: project.name,
    stack,
    get: (key: string) => {
      const value = config[`opsdeck:${key}`];
      return value === undefined || typeof value === "string" ? value : JSON.stringify(value);
    },
    isSecret: (key: string) => secretKeys.includes(`opsdeck:${key}`),
  };
}

describe("Pulumi.yaml", () => {
  it("runs infra/index.ts as a TypeScript Node.js program named opsdeck", () => {
    expect(project.name).toBe("opsdeck");
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true } });
    expect(existsSync(path.join(root, project.main))).toBe(true);
    expect(project.main).toBe("infra/index.ts");
  });

  it("declares exactly the keys the program reads, each with a description and a default", () => {
    expect(Object.keys(project.config).sort()).toEqual([...configKeys].sort());
    for (const [key, declaration] of Object.entries(project.config)) {
      expect(declaration.description, key).toMatch(/\w{3,}/);
      expect(declaration, key).toHaveProperty("default");
    }
  });

  it("documents the same defaults the program applies", () => {
    for (const key of configKeys) {
      const declared = project.config[key]?.default;
      const field = stackConfigSchema.shape[key];
      const raw = typeof declared === "string" ? declared : JSON.stringify(declared);

      expect(field.parse(raw), key).toEqual(field.parse(undefined));
    }
  });

  it("types only the scalar keys (Pulumi's project schema has no object type)", () => {
    const typed = Object.entries(project.config).filter(([, declaration]) => declaration.type !== undefined);

    expect(typed.map(([key, declaration]) => [key, declaration.type])).toEqual([
      ["owner", "string"],
      ["alertWebhookUrl", "string"],
      ["dashboardToken", "string"],
    ]);
  });
});

describe("Pulumi.dev.yaml", () => {
  it("is a valid stack: region, web01 and web02 (web), db01 (db), retention", () => {
    const { config } = readStackConfig("dev");
    const parsed = loadConfig(sourceFor("dev"));

    expect(config["aws:region"]).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(parsed.servers.map((s) => [s.name, s.role])).toEqual([
      ["web01", "web"],
      ["web02", "web"],
      ["db01", "db"],
    ]);
    expect(parsed.backupBucket.expireAfterDays).toBeGreaterThan(parsed.backupBucket.archiveAfterDays);
  });

  it("never holds the alert webhook in plain text, and shows how to set it as a secret", () => {
    const { config } = readStackConfig("dev");

    expect(config["opsdeck:alertWebhookUrl"]).toBe("");
    expect(devStackText).toContain("pulumi config set --secret alertWebhookUrl");
    expect(devStackText).not.toMatch(/^\s*opsdeck:alertWebhookUrl:\s*https?:/m);
  });
});

describe("README", () => {
  it("lists every config key and every defaulted field in its stack config reference", () => {
    const {
      project: _project,
      stack: _stack,
      alertWebhookUrl: _webhook,
      dashboardToken: _token,
      app: _app,
      ...defaults
    } = loadConfig({
      project: "opsdeck",
      stack: "dev",
      get: () => undefined,
      isSecret: () => false,
    });
    const documented = [...configKeys, ...fieldPaths(defaults).filter((p) => !p.startsWith("servers"))];

    const rows = [...readme.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((match) => match[1] ?? "");
    const isDocumented = (key: string) =>
      rows.some((row) => row === key || row.startsWith(`${key}.`) || row.startsWith(`${key}[`));

    for (const key of documented) expect(isDocumented(key), key).toBe(true);
  });
});
