import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CheckConfig, checkDefaultsSchema, checkSchema, runChecksOnce } from "../../../app/checks";
import { type LoopbackServer, startHttpsServer } from "../../support/loopback";
import { useTempDirs } from "../../support/temp-dir";

const DAY_MS = 86_400_000;
const noRetries = checkDefaultsSchema.parse({ retries: 0 });
const tempDir = useTempDirs("opsdeck-tls");

/** A self-signed certificate for 127.0.0.1 that expires in 3.5 days. */
async function nearExpiryCertificate() {
  return generate([{ name: "commonName", value: "opsdeck-test" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - DAY_MS),
    notAfterDate: new Date(Date.now() + 3.5 * DAY_MS),
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
}

let server: LoopbackServer;
let certPem: string;
beforeAll(async () => {
  const pems = await nearExpiryCertificate();
  certPem = pems.cert;
  server = await startHttpsServer({ key: pems.private, cert: pems.cert }, (_req, res) =>
    res.end("secure ok"),
  );
});
afterAll(async () => {
  await server.close();
});

function httpsCheck(tls: Record<string, unknown>): CheckConfig {
  return checkSchema.parse({ id: "secure", type: "http", url: `${server.url}/`, tls });
}

describe("https check certificate", () => {
  it("reports degraded with the days left when a trusted certificate expires within minDaysLeft", async () => {
    const caFile = path.join(await tempDir(), "ca.pem");
    await writeFile(caFile, certPem);

    const [result] = await runChecksOnce([httpsCheck({ caFile, minDaysLeft: 14 })], noRetries);

    expect(result).toMatchObject({ status: "degraded", statusCode: 200 });
    expect(result?.certificate).toMatchObject({ daysLeft: 3, authorized: true, subject: "opsdeck-test" });
    expect(result?.message).toBe("certificate expires in 3 days (minimum 14)");
  });

  it("reports up when the certificate has more days left than required", async () => {
    const caFile = path.join(await tempDir(), "ca.pem");
    await writeFile(caFile, certPem);

    const [result] = await runChecksOnce([httpsCheck({ caFile, minDaysLeft: 2 })], noRetries);

    expect(result?.status).toBe("up");
    expect(result?.certificate?.daysLeft).toBe(3);
  });

  it("reports down for an untrusted certificate yet still records its expiry", async () => {
    const [result] = await runChecksOnce([httpsCheck({ minDaysLeft: 14 })], noRetries);

    expect(result?.status).toBe("down");
    expect(result?.message).toContain("SELF_SIGNED");
    expect(result?.certificate).toBeUndefined();
  });

  it("accepts an untrusted certificate when the check says insecure, and still judges its expiry", async () => {
    const [result] = await runChecksOnce([httpsCheck({ insecure: true, minDaysLeft: 14 })], noRetries);

    expect(result?.status).toBe("degraded");
    expect(result?.certificate).toMatchObject({ daysLeft: 3, authorized: false });
  });
});
