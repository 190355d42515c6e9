import dns2 from "dns2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDefaultsSchema, checkSchema, runChecksOnce } from "../../../app/checks";
import { closedPort, startTcpServer } from "../../support/loopback";

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
});
