import * as dgram from "node:dgram";
import dns2 from "dns2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckRunner, checkDefaultsSchema, checkSchema, runChecksOnce, targetOf } from "../../../app/checks";
import { closedPort, startSilentTcpPeer, startTcpServer } from "../../support/loopback";

const noRetries = checkDefaultsSchema.parse({ retries: 0 });

describe("tcp check", () => {
  it("reports up when the port accepts a connection", async () => {
    const server = await startTcpServer();
    try {
      const check = checkSchema.parse({ id: "db", type: "tcp", host: "127.0.0.1", port: server.port });

      const [result] = await runChecksOnce([check], noRetries);

      expect(result?.status).toBe("up");
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("reports down with the error code when the connection is refused", async () => {
    const check = checkSchema.parse({ id: "db", type: "tcp", host: "127.0.0.1", port: await closedPort() });

    const [result] = await runChecksOnce([check], noRetries);

    expect(result?.status).toBe("down");
    expect(result?.message).toContain("ECONNREFUSED");
  });

  it("reports down within its timeout when the peer never completes the handshake", async () => {
    const peer = await startSilentTcpPeer();
    try {
      const check = checkSchema.parse({
        id: "db",
        type: "tcp",
        host: "127.0.0.1",
        port: peer.port,
        timeoutMs: 300,
      });

      const [result] = await runChecksOnce([check], noRetries);

      expect(result?.status).toBe("down");
      expect(result?.message).toContain("timeout");
      expect(result?.durationMs).toBeLessThan(2_000);
    } finally {
      await peer.close();
    }
  });

  it("shares one breaker among the checks on a refused host:port", async () => {
    const port = await closedPort();
    const checks = ["db-a", "db-b", "db-c"].map((id) =>
      checkSchema.parse({ id, type: "tcp", host: "127.0.0.1", port }),
    );

    const results = await runChecksOnce(
      checks,
      checkDefaultsSchema.parse({ retries: 0, concurrency: 1, breaker: { failures: 2 } }),
    );

    expect(results.map((r) => [r.checkId, r.status, r.message.split(":")[0]])).toEqual([
      ["db-a", "down", "cannot connect to 127.0.0.1"],
      ["db-b", "down", "cannot connect to 127.0.0.1"],
      ["db-c", "down", "circuit open"],
    ]);
  });
});

describe("breaker targets", () => {
  it("are the origin for http and statuspage, host:port for tcp, resolver and name for dns", () => {
    const targets = [
      { id: "a", type: "http", url: "https://API.example.com/health?x=1" },
      { id: "b", type: "statuspage", url: "https://api.example.com:443/api/v2/status.json" },
      { id: "c", type: "http", url: "http://api.example.com:8080/" },
      { id: "d", type: "tcp", host: "DB.internal", port: 5432 },
      { id: "e", type: "tcp", host: "::1", port: 6379 },
      { id: "f", type: "dns", hostname: "Example.com.", recordType: "AAAA", server: "10.0.0.2:53" },
      { id: "g", type: "dns", hostname: "example.com" },
    ].map((c) => targetOf(checkSchema.parse(c)));

    expect(targets).toEqual([
      "https://api.example.com",
      "https://api.example.com",
      "http://api.example.com:8080",
      "db.internal:5432",
      "[::1]:6379",
      "dns://10.0.0.2:53/example.com",
      "dns://system/example.com",
    ]);
  });
});

/** A real DNS server on loopback (UDP) answering a small zone. */
const zone: Record<
  string,
  Array<{ type: number; address?: string; exchange?: string; priority?: number; data?: string }>
> = {
  "app.example.test": [
    { type: dns2.Packet.TYPE.A, address: "10.0.0.1" },
    { type: dns2.Packet.TYPE.A, address: "10.0.0.2" },
  ],
  "mail.example.test": [{ type: dns2.Packet.TYPE.MX, exchange: "mx1.example.test", priority: 10 }],
};
let dnsServer: ReturnType<typeof dns2.createServer>;
let dnsAddress = "";
beforeAll(async () => {
  dnsServer = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = dns2.Packet.createResponseFromRequest(request);
      const question = request.questions[0] as { name: string; type: number } | undefined;
      for (const record of zone[question?.name ?? ""] ?? []) {
        if (record.type === question?.type)
          response.answers.push({ name: question.name, class: 1, ttl: 60, ...record });
      }
      send(response);
    },
  });
  await dnsServer.listen({ udp: { port: 0, address: "127.0.0.1" } });
  dnsAddress = `127.0.0.1:${dnsServer.addresses().udp?.port}`;
});
afterAll(async () => {
  await dnsServer.close();
});

function dnsCheck(fields: Record<string, unknown>) {
  return checkSchema.parse({ id: "dns", type: "dns", server: dnsAddress, ...fields });
}

describe("dns check", () => {
  it("reports up when every expected answer is present, in any order", async () => {
    const [result] = await runChecksOnce(
      [dnsCheck({ hostname: "app.example.test", expect: ["10.0.0.2", "10.0.0.1"] })],
      noRetries,
    );

    expect(result?.status).toBe("up");
    expect(result?.answers?.sort()).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("compares MX answers as `priority exchange`", async () => {
    const [result] = await runChecksOnce(
      [dnsCheck({ hostname: "mail.example.test", recordType: "MX", expect: ["10 mx1.example.test."] })],
      noRetries,
    );

    expect(result?.status).toBe("up");
  });

  it("reports down naming the missing answer", async () => {
    const [result] = await runChecksOnce(
      [dnsCheck({ hostname: "app.example.test", expect: ["10.0.0.9"] })],
      noRetries,
    );

    expect(result?.status).toBe("down");
    expect(result?.message).toBe("missing 10.0.0.9 (got 10.0.0.1, 10.0.0.2)");
  });

  it("reports down when the name does not resolve", async () => {
    const [result] = await runChecksOnce([dnsCheck({ hostname: "nothing.example.test" })], noRetries);

    expect(result?.status).toBe("down");
    expect(result?.message).toMatch(/^cannot resolve A nothing\.example\.test: E[A-Z]+$/);
  });

  it("keeps asking a resolver that answers, even when the answer fails the check", async () => {
    const runner = new CheckRunner(checkDefaultsSchema.parse({ retries: 0, breaker: { failures: 1 } }));
    const missing = dnsCheck({ hostname: "nothing.example.test" });
    const wrong = dnsCheck({ hostname: "nothing.example.test", recordType: "MX" });

    const results = [await runner.run(missing), await runner.run(wrong), await runner.run(missing)];
    await runner.close();

    expect(results.map((r) => r.message)).toEqual([
      expect.stringMatching(/^cannot resolve A nothing\.example\.test: ENODATA$/),
      expect.stringMatching(/^cannot resolve MX nothing\.example\.test: ENODATA$/),
      expect.stringMatching(/^cannot resolve A nothing\.example\.test: ENODATA$/),
    ]);
  });

  it("stops asking a silent resolver about a name for every record type, not about other names", async () => {
    // A UDP port that takes queries and never answers.
    const silent = dgram.createSocket("udp4");
    let queries = 0;
    silent.on("message", () => queries++);
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    const server = `127.0.0.1:${silent.address().port}`;
    const runner = new CheckRunner(checkDefaultsSchema.parse({ retries: 0, breaker: { failures: 1 } }));
    const check = (id: string, hostname: string, recordType: string) =>
      checkSchema.parse({ id, type: "dns", server, hostname, recordType, timeoutMs: 150 });

    try {
      const results = [
        await runner.run(check("v4", "app.example.test", "A")),
        await runner.run(check("v6", "app.example.test", "AAAA")),
        await runner.run(check("other", "mail.example.test", "MX")),
      ];

      expect(results.map((r) => [r.checkId, r.message])).toEqual([
        ["v4", "timed out after 150 ms"],
        ["v6", "circuit open: not probed after repeated failures"],
        ["other", "timed out after 150 ms"],
      ]);
      expect(queries).toBe(2);
    } finally {
      await runner.close();
      silent.close();
    }
  });
});
