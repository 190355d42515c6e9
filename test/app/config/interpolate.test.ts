// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config text with ${NAME} references, not templates
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { appConfigFileIssues } from "../../../app/config/check-file";
import { loadAppConfigFile, parseAppConfigText } from "../../../app/config/load";
import { ValidationError } from "../../../app/lib/validation";

const EXAMPLE = path.join(__dirname, "../../../examples/opsdeck.yaml");

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error("expected a ValidationError");
}

const tcpCheck = (port: string) =>
  `checks:\n  - id: db\n    type: tcp\n    host: 127.0.0.1\n    port: ${port}\n`;

describe("environment references in app config", () => {
  it("points the example's self-checks at the port the dashboard listens on", async () => {
    const config = await loadAppConfigFile(EXAMPLE, { env: { PORT: "4000" } });

    expect(config.checks).toMatchObject([
      { id: "dashboard", url: "http://127.0.0.1:4000/healthz" },
      { id: "dashboard-status-api", url: "http://127.0.0.1:4000/api/status" },
      { id: "dashboard-port", port: 4000 },
    ]);
  });

  it("falls back to the default when the variable is unset or empty", async () => {
    for (const env of [{}, { PORT: "" }]) {
      const config = await loadAppConfigFile(EXAMPLE, { env });
      expect(config.checks).toMatchObject([
        { url: "http://127.0.0.1:3000/healthz" },
        { url: "http://127.0.0.1:3000/api/status" },
        { port: 3000 },
      ]);
    }
  });

  it("types an unquoted value after filling it, and keeps a quoted one a string", () => {
    const plain = parseAppConfigText(tcpCheck("${DB_PORT}"), "t.yaml", { env: { DB_PORT: "5432" } });
    expect(plain.checks[0]).toMatchObject({ port: 5432 });

    const quoted = issuesOf(() =>
      parseAppConfigText(tcpCheck('"${DB_PORT}"'), "t.yaml", { env: { DB_PORT: "5432" } }),
    );
    expect(quoted).toEqual(["checks[0].port: expected a port number between 1 and 65535 (line 5)"]);
  });

  it("keeps `${NAME-default}` apart from `${NAME:-default}` for a variable set to empty", () => {
    const text = (ref: string) => `checks:\n  - id: web\n    type: http\n    url: http://127.0.0.1/${ref}\n`;
    const env = { SUFFIX: "" };
    expect(parseAppConfigText(text("${SUFFIX-x}"), "t.yaml", { env }).checks[0]).toMatchObject({
      url: "http://127.0.0.1/",
    });
    expect(parseAppConfigText(text("${SUFFIX:-x}"), "t.yaml", { env }).checks[0]).toMatchObject({
      url: "http://127.0.0.1/x",
    });
  });

  it("reports every unset reference with its path and line, and fills none of the document", () => {
    const text = [
      "checks:",
      "  - id: web",
      "    type: http",
      "    url: http://${WEB_HOST}/healthz",
      "  - id: db",
      "    type: tcp",
      "    host: ${DB_HOST:?the database address, e.g. 10.0.1.5}",
      "    port: 5432",
    ].join("\n");

    expect(issuesOf(() => parseAppConfigText(text, "t.yaml", { env: {} }))).toEqual([
      "checks[0].url: environment variable WEB_HOST is not set (write ${WEB_HOST:-default} to give a default) (line 4)",
      "checks[1].host: environment variable DB_HOST is not set: the database address, e.g. 10.0.1.5 (line 7)",
    ]);
  });

  it("rejects a malformed reference instead of passing it through", () => {
    expect(issuesOf(() => parseAppConfigText(tcpCheck("${1PORT}"), "t.yaml", { env: {} }))).toEqual([
      "checks[0].port: ${1PORT} is not a valid reference: expected ${NAME}, ${NAME:-default} or ${NAME:?message} (line 5)",
    ]);
  });

  it("leaves `$$` escapes, bare `$` and keys as written", () => {
    const text = [
      "checks:",
      "  - id: web",
      "    type: http",
      "    url: http://127.0.0.1/",
      '    bodyMatches: "^ok$"',
      "    headers:",
      "      ${NOT_A_KEY}: $${LITERAL}",
    ].join("\n");

    const config = parseAppConfigText(text, "t.yaml", { env: { NOT_A_KEY: "x", LITERAL: "y" } });

    expect(config.checks[0]).toMatchObject({
      bodyMatches: "^ok$",
      headers: { "${NOT_A_KEY}": "${LITERAL}" },
    });
  });

  it("fills references in OPSDECK_CONFIG text (JSON) as in a file, as strings", () => {
    const json = JSON.stringify({ checks: [{ id: "web", type: "http", url: "http://${HOST}/" }] });
    const config = parseAppConfigText(json, "OPSDECK_CONFIG", { env: { HOST: "10.0.0.7" } });
    expect(config.checks[0]).toMatchObject({ url: "http://10.0.0.7/" });
  });

  it("is checked by `opsdeck validate` against the environment it runs in, with line and column", () => {
    const text = tcpCheck("${DB_PORT}");

    expect(appConfigFileIssues(text, undefined, { DB_PORT: "5432" })).toEqual([]);
    expect(appConfigFileIssues(text, undefined, {})).toEqual([
      {
        path: "checks[0].port",
        message: "environment variable DB_PORT is not set (write ${DB_PORT:-default} to give a default)",
        line: 5,
        column: 5,
      },
    ]);
  });
});
