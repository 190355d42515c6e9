import { beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../app/lib/validation";
import type { Store } from "../../app/storage/store";
import { createAuth } from "../../dashboard/auth";
import { useTempDirs } from "../support/temp-dir";
import { basic, bearer, dashboardFor, seededStore, TOKEN, testConfig } from "./support";

const NOW = new Date("2026-11-21T10:00:00.000Z");
const tempDir = useTempDirs("opsdeck-dashboard-auth");
const now = () => NOW;
let store: Store;

beforeEach(async () => {
  store = await seededStore(await tempDir(), NOW);
});

const OPERATOR_ROUTES = ["/fleet", "/fragment/fleet", "/api/hosts", "/metrics"];
const PUBLIC_ROUTES = [
  "/",
  "/fragment/status",
  "/api/status",
  "/checks/web",
  "/fragment/checks/web",
  "/api/checks/web/history",
  "/badge/web/status.svg",
];

describe("operator views (fleet, hosts API, metrics)", () => {
  it.each(OPERATOR_ROUTES)("%s asks for credentials with a basic-auth challenge", async (route) => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request(route);

    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="opsdeck"');
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it.each([
    ["a wrong bearer token", { authorization: "Bearer not-the-token" }],
    ["a wrong basic-auth password", basic("opsdeck", "not-the-token")],
    ["the token under another user name", basic("admin", TOKEN)],
    ["a malformed header", { authorization: "Token whatever" }],
  ])("refuses %s", async (_label, headers) => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request("/api/hosts", { headers });

    expect(res.status).toBe(401);
  });

  it.each([
    ["the bearer token", bearer],
    ["basic auth with the token as password", basic("opsdeck", TOKEN)],
  ])("opens with %s", async (_label, headers) => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    for (const route of OPERATOR_ROUTES) {
      expect((await app.request(route, { headers })).status, route).toBe(200);
    }
  });

  it("uses the configured basic-auth user name", async () => {
    const { app } = await dashboardFor(testConfig({ username: "ops" }), store, { now });

    expect((await app.request("/fleet", { headers: basic("ops", TOKEN) })).status).toBe(200);
    expect((await app.request("/fleet", { headers: basic("opsdeck", TOKEN) })).status).toBe(401);
  });

  it("stays closed when no token is configured, even to requests with credentials", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now, token: undefined });

    const res = await app.request("/fleet", { headers: bearer });

    expect(res.status).toBe(403);
    expect(await res.text()).toBe(
      "operator access is not configured: set OPSDECK_DASHBOARD_TOKEN on the server",
    );
  });
});

describe("public views (status page, status API, history, badges)", () => {
  it.each(PUBLIC_ROUTES)("%s is open while the public status page is on", async (route) => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    expect((await app.request(route)).status).toBe(200);
  });

  it.each(PUBLIC_ROUTES)(
    "%s asks for credentials when the public status page is switched off",
    async (route) => {
      const { app } = await dashboardFor(testConfig({ publicStatus: false }), store, { now });

      const anonymous = await app.request(route);
      const operator = await app.request(route, { headers: bearer });

      expect(anonymous.status).toBe(401);
      expect(operator.status).toBe(200);
    },
  );

  it("is never open when switched off and no token is configured", async () => {
    const { app } = await dashboardFor(testConfig({ publicStatus: false }), store, { now, token: undefined });

    expect((await app.request("/")).status).toBe(403);
    expect((await app.request("/api/status")).status).toBe(403);
  });

  it("checks credentials that are sent instead of falling back to the public view", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now });

    const res = await app.request("/api/status", { headers: { authorization: "Bearer wrong" } });

    expect(res.status).toBe(401);
  });

  it("keeps /healthz and the page assets open in every configuration", async () => {
    const { app } = await dashboardFor(testConfig({ publicStatus: false }), store, { now, token: undefined });

    for (const route of ["/healthz", "/assets/refresh.js", "/assets/dashboard.css"]) {
      expect((await app.request(route)).status, route).toBe(200);
    }
  });
});

describe("token configuration", () => {
  it("refuses a token that cannot travel as a bearer token, naming the variable", () => {
    const create = () =>
      createAuth({ token: "has spaces and ümlauts", username: "opsdeck", publicStatus: true });

    expect(create).toThrow(ValidationError);
    expect(create).toThrow(/OPSDECK_DASHBOARD_TOKEN: use only letters, digits/);
  });

  it("treats an empty token as no token", async () => {
    const { app } = await dashboardFor(testConfig(), store, { now, token: "" });

    expect((await app.request("/fleet", { headers: { authorization: "Bearer " } })).status).toBe(403);
  });
});
