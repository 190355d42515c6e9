import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../../app/cli/exit-codes";
import { type LoopbackServer, startHttpServer } from "../../support/loopback";
import { useTempDirs } from "../../support/temp-dir";
import { opsdeck } from "./support";

const tempDir = useTempDirs("opsdeck-cli-check");
let service: LoopbackServer;

const crashloopPods = path.resolve(__dirname, "../../fixtures/monitoring/kubernetes/crashloop.json");

beforeAll(async () => {
  service = await startHttpServer((req, res) => {
    // Doubles as a Kubernetes API server for the kubernetes check.
    if (req.url?.startsWith("/api/v1/namespaces/shop/pods")) {
      readFile(crashloopPods).then((body) =>
        res.writeHead(200, { "content-type": "application/json" }).end(body),
      );
      return;
    }
    res.statusCode = req.url === "/fail" ? 503 : 200;
    res.end(req.url === "/fail" ? "down" : "ok");
  });
});
afterAll(async () => {
  await service?.close();
});

async function config(checks: string): Promise<string> {
  const file = path.join(await tempDir(), "opsdeck.yaml");
  await writeFile(file, `checkDefaults: { retries: 0, timeoutMs: 2000 }\nchecks:\n${checks}`);
  return file;
}

describe("opsdeck check", () => {
  it("prints a table of every check and exits 6 when one is down", async () => {
    const file = await config(
      `  - { id: web, type: http, url: "${service.url}/" }\n  - { id: api, type: http, url: "${service.url}/fail" }\n`,
    );

    const run = await opsdeck(["check", "--config", file]);

    expect(run.code).toBe(EXIT.unhealthy);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^check\s+type\s+status\s+time\s+tries\s+code\s+message$/);
    expect(lines.find((l) => l.startsWith("web "))).toMatch(/http\s+UP\s+\d+ms\s+1\s+200\s+OK/);
    expect(lines.find((l) => l.startsWith("api "))).toMatch(/http\s+DOWN\s+.*503/);
  });

  it("prints the results as JSON and exits 0 when every check is up", async () => {
    const file = await config(`  - { id: web, type: http, url: "${service.url}/" }\n`);

    const run = await opsdeck(["check", "--json", "--config", file]);

    expect(run.code).toBe(EXIT.ok);
    const results = JSON.parse(run.stdout) as Array<{ checkId: string; status: string; statusCode: number }>;
    expect(results).toMatchObject([{ checkId: "web", status: "up", statusCode: 200 }]);
  });

  it("runs only the named checks, and refuses a name that is not configured", async () => {
    const file = await config(
      `  - { id: web, type: http, url: "${service.url}/" }\n  - { id: api, type: http, url: "${service.url}/fail" }\n`,
    );

    const only = await opsdeck(["check", "web", "--json", "--config", file]);
    const unknown = await opsdeck(["check", "wbe", "--config", file]);

    expect(only.code).toBe(EXIT.ok);
    expect((JSON.parse(only.stdout) as unknown[]).length).toBe(1);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain("no check named wbe");
    expect(unknown.stderr).toContain("known: web, api");
  });

  it("runs a kubernetes check and names the crash-looping pod in the table", async () => {
    const kubeconfig = path.join(await tempDir(), "kubeconfig");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{ name: local, cluster: { server: "${service.url}", insecure-skip-tls-verify: true } }]`,
        "users: [{ name: ops, user: { token: t0ken } }]",
        "contexts: [{ name: local, context: { cluster: local, user: ops } }]",
        "current-context: local",
        "",
      ].join("\n"),
    );
    const file = await config(
      `  - { id: shop-pods, type: kubernetes, kubeconfig: "${kubeconfig}", namespace: shop, labelSelector: app=web }\n`,
    );

    const run = await opsdeck(["check", "--config", file]);

    expect(run.code).toBe(EXIT.unhealthy);
    expect(run.stdout.split("\n").find((l) => l.startsWith("shop-pods "))).toMatch(
      /kubernetes\s+DOWN\s+.*1 of 2 pods unhealthy: web-6d4b8c7f9d-p5lnc\/app CrashLoopBackOff/,
    );
  });
});
