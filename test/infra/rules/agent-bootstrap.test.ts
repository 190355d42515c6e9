import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_NODE_FLAGS, AGENT_PATHS, agentBootstrapSteps } from "../../../infra/rules/agent-bootstrap";
import { renderUserData } from "../../../infra/rules/user-data";
import { relocate } from "../../support/agent-server";

const input = {
  server: "db01",
  bucketName: "opsdeck-dev-backups-abc1234",
  region: "eu-west-1",
  webhookParameterName: "/opsdeck-dev/alert-webhook-url",
  logLevel: "info",
  refreshMinutes: 5,
};
const steps = agentBootstrapSteps(input);
const userData = renderUserData({
  server: "db01",
  role: "db",
  dbPort: 5432,
  clientCidr: "172.31.0.0/16",
  extraSteps: steps,
});

/** The content of a file the user data writes with a quoted heredoc. */
function fileWritten(path: string): string {
  const start = userData.indexOf(`cat > ${path} <<'OPSDECK_FILE'\n`);
  if (start < 0) throw new Error(`the user data does not write ${path}`);
  const body = userData.slice(userData.indexOf("\n", start) + 1);
  return body.slice(0, body.indexOf("OPSDECK_FILE\n"));
}

function bashSyntaxErrors(script: string): string {
  const result = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
  return result.status === 0 ? "" : result.stderr;
}

describe("the agent's first-boot steps", () => {
  it("make a user data script bash accepts, and every script it installs too", () => {
    expect(bashSyntaxErrors(userData)).toBe("");
    for (const script of ["fetch", "run", "refresh"])
      expect(bashSyntaxErrors(fileWritten(`${AGENT_PATHS.libexec}/${script}`)), script).toBe("");
  });

  it("install Node.js 22 and run `opsdeck agent` with the fetched config under node-22", () => {
    expect(userData).toContain("dnf install -y nodejs22");
    expect(fileWritten(`${AGENT_PATHS.libexec}/run`)).toContain(
      "exec /usr/bin/node-22 --max-semi-space-size=2 /opt/opsdeck/current/opsdeck.mjs agent --config /etc/opsdeck/opsdeck.json",
    );
  });

  it("start the agent with its young generation capped, a flag node accepts", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "opsdeck-agent-run-"));
    try {
      await mkdir(path.join(root, "opt", "current"), { recursive: true });
      // Stands in for the CLI: records how node started it (node refuses a flag it does not know).
      await writeFile(
        path.join(root, "opt", "current", "opsdeck.mjs"),
        [
          `import { writeFileSync } from "node:fs";`,
          `writeFileSync(process.env.RECORD, JSON.stringify({ execArgv: process.execArgv, argv: process.argv.slice(2) }));`,
        ].join("\n"),
      );
      const script = relocate(fileWritten(`${AGENT_PATHS.libexec}/run`), root).replace(
        AGENT_PATHS.node,
        process.execPath,
      );
      const record = path.join(root, "started.json");

      const run = spawnSync("bash", ["-c", script], {
        env: { HOME: root, PATH: process.env.PATH ?? "", RECORD: record },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });

      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const started = JSON.parse(await readFile(record, "utf8"));
      expect(started.execArgv).toEqual([AGENT_NODE_FLAGS]);
      expect(started.argv).toEqual(["agent", "--config", path.join(root, "etc", "opsdeck.json")]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("tell the service where its bucket, config and webhook are, and its host name", () => {
    expect(fileWritten(AGENT_PATHS.env).split("\n")).toEqual(
      expect.arrayContaining([
        "OPSDECK_BUCKET=opsdeck-dev-backups-abc1234",
        "OPSDECK_REGION=eu-west-1",
        "OPSDECK_HOST_NAME=db01",
        "OPSDECK_CONFIG_KEY=artifacts/agent/db01.json",
        "OPSDECK_WEBHOOK_PARAMETER=/opsdeck-dev/alert-webhook-url",
      ]),
    );
  });

  it("verify the fetched bundle against the pointer's sha256 before unpacking it", () => {
    const fetch = fileWritten(`${AGENT_PATHS.libexec}/fetch`);

    expect(fetch).toMatch(/sha256sum --check --status;[\s\S]*exit 1[\s\S]*tar -xzf "\$work\/opsdeck.tgz"/);
    expect(fetch).toContain("artifacts/opsdeck-*.tgz) ;;");
  });

  it("keep the webhook in the agent's environment only, read from SSM at each start", () => {
    const run = fileWritten(`${AGENT_PATHS.libexec}/run`);

    expect(run).toContain("aws ssm get-parameter");
    expect(run).toContain("--with-decryption");
    expect(userData).not.toMatch(/https:\/\/hooks/);
  });

  it("run the agent as a dedicated user in a sandbox that can read any file but write only its state", () => {
    const unit = fileWritten("/etc/systemd/system/opsdeck-agent.service");

    expect(unit).toContain("User=opsdeck");
    expect(unit).toContain("ExecStartPre=+/usr/local/libexec/opsdeck/fetch");
    expect(unit).toContain("AmbientCapabilities=CAP_DAC_READ_SEARCH");
    expect(unit).toContain("CapabilityBoundingSet=CAP_DAC_READ_SEARCH");
    expect(unit).toContain("NoNewPrivileges=yes");
    expect(unit).toContain("ProtectSystem=strict");
    expect(unit).toContain("ReadWritePaths=/var/lib/opsdeck");
    expect(userData).toContain("systemctl enable --now opsdeck-agent.service opsdeck-agent-refresh.timer");
  });

  it("restart the agent from a timer when the bundle pointer or the config changed", () => {
    expect(fileWritten("/etc/systemd/system/opsdeck-agent-refresh.timer")).toContain("OnUnitActiveSec=5min");
    expect(fileWritten(`${AGENT_PATHS.libexec}/refresh`)).toContain(
      "systemctl restart opsdeck-agent.service",
    );
  });

  it("leave out the webhook parameter when no webhook is configured", () => {
    const plain = agentBootstrapSteps({ ...input, webhookParameterName: undefined }).join("\n");

    expect(plain).toContain("OPSDECK_WEBHOOK_PARAMETER=\n");
  });

  it("refuse values that could break out of the files they are written into", () => {
    expect(() => agentBootstrapSteps({ ...input, bucketName: "x\nOPSDECK_FILE\nrm -rf /" })).toThrow(
      /bucketName .* may hold only/s,
    );
    expect(() => agentBootstrapSteps({ ...input, server: "web 01" })).toThrow(/server/);
  });
});
