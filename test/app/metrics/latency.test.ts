import { afterEach, describe, expect, it } from "vitest";
import { measureLatency, measureTcpConnect } from "../../../app/metrics";
import { closedPort, type LoopbackServer, startSilentTcpPeer, startTcpServer } from "../../support/loopback";

describe("TCP connect latency", () => {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("times the handshake with a listening peer and closes the connection", async () => {
    const peer = await startTcpServer();
    servers.push(peer);

    const result = await measureTcpConnect(
      { name: "db01", host: "127.0.0.1", port: peer.port },
      { timeoutMs: 2000 },
    );

    expect(result).toMatchObject({ target: "db01", address: `127.0.0.1:${peer.port}`, up: true });
    expect(result.error).toBeUndefined();
    expect(result.connectSeconds).toBeGreaterThan(0);
    expect(result.connectSeconds).toBeLessThan(1);
    await expect.poll(() => peer.connections()).toBe(1);
  });

  it("reports a refused connect as data: down, no time, the reason", async () => {
    const port = await closedPort();

    const result = await measureTcpConnect({ name: "gone", host: "127.0.0.1", port }, { timeoutMs: 2000 });

    expect(result).toEqual({
      target: "gone",
      address: `127.0.0.1:${port}`,
      up: false,
      connectSeconds: null,
      error: "ECONNREFUSED",
    });
  });

  it("gives up after its timeout on a peer that drops the handshake, as data", async () => {
    const peer = await startSilentTcpPeer();
    try {
      const started = performance.now();

      const result = await measureTcpConnect(
        { name: "dropped", host: "127.0.0.1", port: peer.port },
        { timeoutMs: 300 },
      );

      expect(result).toEqual({
        target: "dropped",
        address: `127.0.0.1:${peer.port}`,
        up: false,
        connectSeconds: null,
        error: "timed out after 300 ms",
      });
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await peer.close();
    }
  });

  it("resolves a host name and reports the address as configured", async () => {
    const peer = await startTcpServer();
    servers.push(peer);

    const result = await measureTcpConnect(
      { name: "local", host: "localhost", port: peer.port },
      { timeoutMs: 2000 },
    );

    // localhost may resolve to ::1 first; the IPv4 listener answers the IPv4 attempt.
    expect(result).toMatchObject({ up: true, address: `localhost:${peer.port}` });
  });

  it("measures every target at once, in the configured order", async () => {
    const peer = await startTcpServer();
    servers.push(peer);
    const port = await closedPort();

    const results = await measureLatency(
      [
        { name: "up", host: "127.0.0.1", port: peer.port },
        { name: "down", host: "127.0.0.1", port },
      ],
      { timeoutMs: 2000 },
    );

    expect(results.map((r) => [r.target, r.up])).toEqual([
      ["up", true],
      ["down", false],
    ]);
  });
});
