import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { z } from "zod";
import { parseOrThrow } from "../app/lib/validation";

/** `PORT` and `HOST` (see docs/RUNTIME.md): loopback by default, the image sets HOST=0.0.0.0. */
const listenEnvSchema = z.object({
  PORT: z.coerce
    .number({ error: "expected a port number" })
    .int({ error: "expected a port number" })
    .min(0, { error: "expected a port number between 0 and 65535" })
    .max(65_535, { error: "expected a port number between 0 and 65535" })
    .default(3_000),
  HOST: z.string().min(1).default("127.0.0.1"),
});

export interface ListenAddress {
  port: number;
  hostname: string;
}

export function listenAddress(env: Record<string, string | undefined>): ListenAddress {
  const parsed = parseOrThrow(
    listenEnvSchema,
    { PORT: env.PORT === "" ? undefined : env.PORT, HOST: env.HOST === "" ? undefined : env.HOST },
    "environment",
  );
  return { port: parsed.PORT, hostname: parsed.HOST };
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting connections and closes idle keep-alive ones. */
  close(): Promise<void>;
}

/** Serves a Hono app with @hono/node-server; resolves once it listens. */
export function listen(
  app: { fetch: Parameters<typeof serve>[0]["fetch"] },
  address: ListenAddress,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: address.port, hostname: address.hostname },
      (info: AddressInfo) => {
        const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              if ("closeIdleConnections" in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
