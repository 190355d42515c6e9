import { readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Command } from "commander";
import type { LocatedIssue } from "../../config/yaml-location";
import type { CliContext, GlobalOptions } from "../context";
import { UsageError } from "../errors";
import { EXIT } from "../exit-codes";

type FileKind = "app" | "stack";

export interface FileReport {
  file: string;
  kind: FileKind;
  valid: boolean;
  issues: LocatedIssue[];
}

/** `opsdeck validate`: check app config and stack files against the program's schemas; exit 3 when invalid. */
export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command("validate")
    .description(
      "check app config and Pulumi stack files against the program's schemas (exit 3 when invalid)",
    )
    .argument(
      "[files...]",
      "files to check; Pulumi.<stack>.yaml is a stack file, anything else an app config",
    )
    .option("--stack <file>", "a Pulumi stack file (Pulumi.<stack>.yaml)")
    .option("--json", "print the reports as JSON")
    .action(async (files: string[], options: { stack?: string; json?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const targets: { file: string; kind: FileKind }[] = [
        ...(globals.config ? [{ file: globals.config, kind: "app" as const }] : []),
        ...(options.stack ? [{ file: options.stack, kind: "stack" as const }] : []),
        ...files.map((file) => ({ file, kind: kindOf(file) })),
      ];
      if (targets.length === 0)
        throw new UsageError("nothing to validate: pass --config <file>, --stack <file> or files");

      const [{ stackFileIssues }, { appConfigFileIssues }] = await Promise.all([
        import("../../../infra/stack-file-check.js"),
        import("../../config/check-file.js"),
      ]);
      const reports: FileReport[] = [];
      for (const { file, kind } of targets) {
        const text = await readFile(file, "utf8");
        const issues =
          kind === "stack" ? stackFileIssues(text) : appConfigFileIssues(text, undefined, ctx.io.env);
        reports.push({ file, kind, valid: issues.length === 0, issues });
      }
      if (options.json) ctx.printJson({ valid: reports.every((r) => r.valid), files: reports });
      else ctx.print(reports.map(renderReport).join("\n"));
      if (reports.some((r) => !r.valid)) ctx.fail(EXIT.invalid);
    });
}

/** Pulumi names stack files `Pulumi.<stack>.yaml`; every other file is taken for an app config. */
export function kindOf(file: string): FileKind {
  return /^Pulumi\.[^.]+\.ya?ml$/.test(path.basename(file)) ? "stack" : "app";
}

/** `file:line:column: path: message`, the shape editors and CI annotations link from. */
export function renderReport(report: FileReport): string {
  const what = report.kind === "stack" ? "stack file" : "app config";
  if (report.valid) return `${report.file}: valid ${what}`;
  const lines = report.issues.map((issue) => {
    const where = issue.line === undefined ? report.file : `${report.file}:${issue.line}:${issue.column}`;
    return `${where}: ${issue.path}: ${issue.message}`;
  });
  const count = report.issues.length;
  return [...lines, `${report.file}: invalid ${what} (${count} problem${count === 1 ? "" : "s"})`].join("\n");
}
