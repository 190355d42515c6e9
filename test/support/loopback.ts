import { spawn } from "node:child_process";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as net from "node:net";

/** A real server on 127.0.0.1 with an ephemeral port, closed with all its connections. */
export interface LoopbackServer {
  port: number;
  /** `http://127.0.0.1:<port>` (or https). */
  url: string;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function closer(server: net.Server & { closeAllConnections?: () => void }, sockets?: Set<net.Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      for (const socket of sockets ?? []) socket.destroy();
      server.close(() => resolve());
    });
}

export async function startHttpServer(handler: http.RequestListener): Promise<LoopbackServer> {
  const server = http.createServer(handler);
  const port = await listen(server);
  return { port, url: `http://127.0.0.1:${port}`, close: closer(server) };
}

export async function startHttpsServer(
  tls: { key: string; cert: string },
  handler: http.RequestListener,
): Promise<LoopbackServer> {
  const server = https.createServer(tls, handler);
  const port = await listen(server);
  return { port, url: `https://127.0.0.1:${port}`, close: closer(server) };
}

/** A TCP server that accepts connections and counts them. */
export async function startTcpServer(): Promise<LoopbackServer & { connections: () => number }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return { port, url: `tcp://127.0.0.1:${port}`, close: closer(server, sockets), connections: () => count };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A port on 127.0.0.1 where a TCP connect hangs: a child process listens with a backlog of 1 and is
 * stopped (SIGSTOP), so it never accepts; once two connections fill its accept queue the kernel
 * drops every further SYN, as a firewall that drops packets would. `close` kills the child.
 */
export async function startSilentTcpPeer(): Promise<{ port: number; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      "require('net').createServer().listen({ host: '127.0.0.1', port: 0, backlog: 1 }, function () { console.log(this.address().port) })",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.stdout.once("data", (data) => resolve(Number(String(data).trim())));
  });
  child.kill("SIGSTOP");
  const queued: net.Socket[] = [];
  const close = async () => {
    for (const socket of queued) socket.destroy();
    child.kill("SIGKILL");
    await exited;
  };
  // The queue holds backlog + 1 connections; the kernel completes their handshakes itself.
  for (let i = 0; i < 2; i++) {
    const socket = net.connect(port, "127.0.0.1");
    queued.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    }).catch(async (error: unknown) => {
      await close();
      throw error;
    });
  }
  return { port, close };
}
