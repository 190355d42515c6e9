import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderUserData } from "../../../infra/rules/user-data";

const web = renderUserData({ server: "web01", role: "web", dbPort: 5432, clientCidr: "172.31.0.0/16" });
const db = renderUserData({ server: "db01", role: "db", dbPort: 6543, clientCidr: "172.31.0.0/16" });

/** `bash -n` parses the script without running it. */
function bashSyntaxErrors(script: string): string {
  const result = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
  return result.status === 0 ? "" : result.stderr;
}

describe("renderUserData", () => {
  it("makes a web server install and start nginx serving a page that names the host", () => {
    expect(web).toContain("dnf install -y nginx");
    expect(web).toContain("systemctl enable --now nginx");
    expect(web).toContain("<h1>web01</h1>");
    expect(web).toMatch(/cat > \/usr\/share\/nginx\/html\/index\.html <<'OPSDECK_PAGE'/);
  });

  it("makes a db server run PostgreSQL on the configured port for clients in the VPC", () => {
    expect(db).toContain("dnf install -y postgresql16-server");
    expect(db).toContain('echo "port = 6543"');
    expect(db).toContain("host all all 172.31.0.0/16 scram-sha-256");
    expect(db).toContain("systemctl enable --now postgresql");
    expect(db).not.toContain("nginx");
  });

  it("renders scripts bash accepts, that stop on the first failing step", () => {
    for (const script of [web, db]) {
      expect(script.startsWith("#!/bin/bash\n")).toBe(true);
      expect(script).toContain("set -euo pipefail");
      expect(bashSyntaxErrors(script)).toBe("");
    }
  });

  it("appends extra steps after the role's own (where the agent hooks in)", () => {
    const script = renderUserData({
      server: "web01",
      role: "web",
      dbPort: 5432,
      clientCidr: "172.31.0.0/16",
      extraSteps: ["echo agent-install", "echo agent-start"],
    });

    expect(script.indexOf("systemctl enable --now nginx")).toBeLessThan(script.indexOf("echo agent-install"));
    expect(script.indexOf("echo agent-install")).toBeLessThan(script.indexOf("echo agent-start"));
    expect(bashSyntaxErrors(script)).toBe("");
  });

  it("escapes the host name in the page", () => {
    const script = renderUserData({ server: "<b>&", role: "web", dbPort: 5432, clientCidr: "10.0.0.0/16" });

    expect(script).toContain("<h1>&#60;b&#62;&#38;</h1>");
  });
});
