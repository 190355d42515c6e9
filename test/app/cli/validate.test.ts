import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../../app/cli/exit-codes";
import { REPO_ROOT } from "../../../infra/plan/stack-files";
import { useTempDirs } from "../../support/temp-dir";
import { opsdeck } from "./support";

const tempDir = useTempDirs("opsdeck-cli-validate");

async function file(name: string, text: string): Promise<string> {
  const full = path.join(await tempDir(), name);
  await writeFile(full, text);
  return full;
}

interface Report {
  valid: boolean;
  files: Array<{
    file: string;
    kind: string;
    valid: boolean;
    issues: Array<{ path: string; message: string; line?: number; column?: number }>;
  }>;
}

const BAD_STACK = [
  "config:", //                                   1
  "  aws:region: eu-west-1", //                   2
  "  opsdeck:ownr: platform-team", //             3  unknown key
  "  opsdeck:servers:", //                        4
  "    - name: web01", //                         5
  "      role: web", //                           6
  "      instanceType: t3.mcro", //               7  bad value
  "  opsdeck:backupBucket:", //                   8
  "    expireAfterDays: soon", //                 9  wrong type
  "    colour: red", //                          10  unknown nested key
  "  opsdeck:alertWebhookUrl:", //               11
  "    secure: v1:c2VjcmV0", //                  12  encrypted: accepted as is
  "",
].join("\n");

describe("opsdeck validate", () => {
  it("accepts the repository's own example config and dev stack, and exits 0", async () => {
    const run = await opsdeck([
      "validate",
      "--config",
      path.join(REPO_ROOT, "examples/opsdeck.yaml"),
      "--stack",
      path.join(REPO_ROOT, "Pulumi.dev.yaml"),
    ]);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain("examples/opsdeck.yaml: valid app config");
    expect(run.stdout).toContain("Pulumi.dev.yaml: valid stack file");
  });

  it("names each stack file typo by key path and line:column, accepting encrypted values unread", async () => {
    const stack = await file("Pulumi.bad.yaml", BAD_STACK);

    const run = await opsdeck(["validate", "--stack", stack]);

    expect(run.code).toBe(EXIT.invalid);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${regexpOf(stack)}:3:3: opsdeck:ownr: unknown key`));
    expect(lines[1]).toMatch(
      new RegExp(`^${regexpOf(stack)}:7:7: opsdeck:servers\\[0\\]\\.instanceType: expected one of "t3.nano"`),
    );
    expect(lines[2]).toBe(
      `${stack}:9:5: opsdeck:backupBucket.expireAfterDays: expected number, received string`,
    );
    expect(lines[3]).toBe(`${stack}:10:5: opsdeck:backupBucket: unrecognized key: "colour"`);
    expect(lines[4]).toBe(`${stack}: invalid stack file (4 problems)`);
    expect(run.stdout).not.toContain("opsdeck:alertWebhookUrl:");
    expect(run.stdout).not.toContain("redacted");
  });

  it("names each app config typo by key path and line:column", async () => {
    const config = await file(
      "opsdeck.yaml",
      [
        "checks:",
        "  - id: web",
        "    type: http",
        "    url: http://127.0.0.1:3000/",
        "    timeoutMs: fast",
        "chekcs: []",
        "",
      ].join("\n"),
    );

    const run = await opsdeck(["validate", "--config", config]);

    expect(run.code).toBe(EXIT.invalid);
    expect(run.stdout).toContain(`${config}:5:5: checks[0].timeoutMs: `);
    expect(run.stdout).toContain(`${config}:6:1: (root): unrecognized key: "chekcs"`);
  });

  it("names a kubernetes check's bad label selector and the requirement at fault, with its position", async () => {
    const config = await file(
      "opsdeck.yaml",
      [
        "checks:",
        "  - id: shop-pods",
        "    type: kubernetes",
        "    namespace: shop",
        '    labelSelector: "app=web,tier in (a,-b)"',
        "",
      ].join("\n"),
    );

    const run = await opsdeck(["validate", "--config", config]);

    expect(run.code).toBe(EXIT.invalid);
    expect(run.stdout).toContain(
      `${config}:5:5: checks[0].labelSelector: expected a label selector: requirement 2 ("tier in (a,-b)"): value "-b" must be`,
    );
  });

  it("reports a plain-text secret in a stack file where it is written", async () => {
    const stack = await file(
      "Pulumi.dev.yaml",
      "config:\n  opsdeck:dashboardToken: a-plain-text-token-long-enough\n",
    );

    const run = await opsdeck(["validate", "--json", stack]);

    const report = JSON.parse(run.stdout) as Report;
    expect(run.code).toBe(EXIT.invalid);
    expect(report.files[0]?.issues).toEqual([
      {
        path: "opsdeck:dashboardToken",
        message: "must be stored as a secret: pulumi config set --secret dashboardToken <value>",
        line: 2,
        column: 3,
      },
    ]);
    expect(run.stdout).not.toContain("a-plain-text-token-long-enough");
  });

  it("prints one JSON report per file, telling the file kind from its name", async () => {
    const stack = await file("Pulumi.bad.yaml", BAD_STACK);
    const config = path.join(REPO_ROOT, "examples/opsdeck.yaml");

    const run = await opsdeck(["validate", "--json", config, stack]);

    const report = JSON.parse(run.stdout) as Report;
    expect(run.code).toBe(EXIT.invalid);
    expect(report.valid).toBe(false);
    expect(report.files.map((f) => [f.file, f.kind, f.valid])).toEqual([
      [config, "app", true],
      [stack, "stack", false],
    ]);
    expect(report.files[1]?.issues[2]).toEqual({
      path: "opsdeck:backupBucket.expireAfterDays",
      message: "expected number, received string",
      line: 9,
      column: 5,
    });
  });

  it("reports YAML syntax errors with their position", async () => {
    const config = await file("broken.yaml", "checks:\n  - id: web\n   type: [http\n");

    const run = await opsdeck(["validate", "--json", config]);

    const report = JSON.parse(run.stdout) as Report;
    expect(run.code).toBe(EXIT.invalid);
    expect(report.files[0]?.issues[0]).toMatchObject({ path: "(yaml)", line: expect.any(Number) });
  });

  it("exits 2 with nothing to validate and 4 for a file that does not exist", async () => {
    const nothing = await opsdeck(["validate"]);
    const missing = await opsdeck(["validate", "--stack", path.join(await tempDir(), "Pulumi.nope.yaml")]);

    expect(nothing.code).toBe(EXIT.usage);
    expect(nothing.stderr).toContain("nothing to validate");
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain("Pulumi.nope.yaml");
  });
});

function regexpOf(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
