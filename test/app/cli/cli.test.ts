import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../../app/cli/exit-codes";
import { useTempDirs } from "../../support/temp-dir";
import { writeSampleLogs } from "./sample-logs";
import { opsdeck } from "./support";

const tempDir = useTempDirs("opsdeck-cli");

describe("opsdeck command line", () => {
  it("lists its commands and documents its exit codes in --help", async () => {
    const run = await opsdeck(["--help"]);

    expect(run.code).toBe(EXIT.ok);
    for (const command of ["check", "metrics", "logs", "backup", "agent"])
      expect(run.stdout).toContain(command);
    expect(run.stdout).toMatch(/Exit codes:[\s\S]*130\s+interrupted/);
  });

  it("prints help and exits 2 when given no command", async () => {
    const run = await opsdeck([]);

    expect(run.code).toBe(EXIT.usage);
    expect(run.stdout).toContain("Usage: opsdeck");
  });

  it("exits 2 with one clear line for an unknown command or option", async () => {
    const command = await opsdeck(["bakup"]);
    const option = await opsdeck(["logs", "analyze", "--colour", "x.log"]);

    expect(command.code).toBe(EXIT.usage);
    expect(command.stderr).toContain("unknown command 'bakup'");
    expect(command.stderr).toContain("Did you mean backup?");
    expect(option.code).toBe(EXIT.usage);
    expect(option.stderr).toContain("unknown option '--colour'");
  });

  it("exits 3 naming the field and line of an invalid config", async () => {
    const file = path.join(await tempDir(), "opsdeck.yaml");
    await writeFile(
      file,
      "logs:\n  reportEveryMs: 5\nbackups:\n  jobs:\n    - { label: a.b, sources: [/etc] }\n",
    );

    const run = await opsdeck(["--config", file, "backup", "list"]);

    expect(run.code).toBe(EXIT.invalid);
    expect(run.stderr).toContain("logs.reportEveryMs: expected at least 1000 (1 s) (line 2)");
    expect(run.stderr).toContain("backups.jobs[0].label:");
    expect(run.stdout).toBe("");
  });

  it("exits 4 when the config file or a log file does not exist", async () => {
    const dir = await tempDir();

    const config = await opsdeck(["backup", "list", "--config", path.join(dir, "missing.yaml")]);
    const log = await opsdeck(["logs", "analyze", path.join(dir, "missing.log")]);

    expect(config.code).toBe(EXIT.notFound);
    expect(config.stderr).toContain("missing.yaml");
    expect(log.code).toBe(EXIT.notFound);
    expect(log.stderr).toContain("missing.log: no such file");
  });

  it("reads its config from OPSDECK_CONFIG when no --config is given", async () => {
    const run = await opsdeck(["check"], {
      env: { OPSDECK_CONFIG: "checks: []\nhistory: { retentionDays: 0 }\n" },
    });

    expect(run.code).toBe(EXIT.invalid);
    expect(run.stderr).toContain("OPSDECK_CONFIG is invalid");
    expect(run.stderr).toContain("history.retentionDays");
  });

  it("reports an unexpected error as internal, with the stack only when asked", async () => {
    const broken = () => {
      throw new TypeError("clock unplugged");
    };
    const file = (await writeSampleLogs(await tempDir()))("generic.log");

    const quiet = await opsdeck(["logs", "analyze", file], { now: broken });
    const verbose = await opsdeck(["--verbose", "logs", "analyze", file], { now: broken });
    const debug = await opsdeck(["logs", "analyze", file], { now: broken, env: { OPSDECK_DEBUG: "1" } });

    expect(quiet.code).toBe(EXIT.internal);
    expect(quiet.stderr).toContain("opsdeck: internal error: clock unplugged");
    expect(quiet.stderr).toContain("--verbose");
    expect(quiet.stderr).not.toContain("    at ");
    expect(verbose.stderr).toContain("TypeError: clock unplugged\n    at ");
    expect(debug.stderr).toContain("    at ");
  });
});
