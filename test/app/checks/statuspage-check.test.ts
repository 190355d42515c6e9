import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDefaultsSchema, checkSchema, runChecksOnce } from "../../../app/checks";
import { type LoopbackServer, startHttpServer } from "../../support/loopback";

/** Serves Statuspage v2 documents: /<indicator>/api/v2/status.json. */
let server: LoopbackServer;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const indicator = (req.url ?? "").split("/")[1] ?? "";
    if (indicator === "broken") {
      res.end("<html>not json</html>");
      return;
    }
    if (indicator === "error") {
      res.statusCode = 502;
      res.end();
      return;
    }
    const description =
      { none: "All Systems Operational", minor: "Minor Service Outage" }[indicator] ?? "Major Outage";
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ page: { id: "x", name: "Example" }, status: { indicator, description } }));
  });
});
afterAll(async () => {
  await server.close();
});

async function statusOf(indicator: string) {
  const check = checkSchema.parse({
    id: "vendor",
    type: "statuspage",
    url: `${server.url}/${indicator}/api/v2/status.json`,
  });
  const [result] = await runChecksOnce([check], checkDefaultsSchema.parse({ retries: 0 }));
  return result;
}

describe("statuspage check", () => {
  it.each([
    ["none", "up", "All Systems Operational"],
    ["minor", "degraded", "Minor Service Outage"],
    ["major", "down", "Major Outage"],
    ["critical", "down", "Major Outage"],
  ])("maps indicator %s to %s with the page's description", async (indicator, status, message) => {
    const result = await statusOf(indicator);

    expect(result).toMatchObject({ status, message, statusCode: 200 });
  });

  it("reports down when the page is not a Statuspage document", async () => {
    expect(await statusOf("broken")).toMatchObject({
      status: "down",
      message: "not a Statuspage v2 status document",
    });
  });

  it("reports down with the status code when the page itself fails", async () => {
    expect(await statusOf("error")).toMatchObject({ status: "down", statusCode: 502 });
  });
});
