import type { Context } from "hono";
import { requestHeader } from "./request-header";

type Bindings = {
  /** @hono/node-server: the Node request, whose socket is the TCP peer. */
  incoming?: { socket?: { remoteAddress?: string } };
  /** hono/aws-lambda: a Function URL / API Gateway v2 event's context. */
  requestContext?: { http?: { sourceIp?: string } };
};

/** Stands in for a peer the runtime does not name (`app.request` in tests): one shared bucket. */
export const UNKNOWN_CLIENT = "unknown";

/**
 * The address a request came from: the TCP peer under @hono/node-server, `requestContext.http.sourceIp`
 * on Lambda (AWS sets it from the connection; a client cannot forge it with a header).
 */
export function peerAddress(c: Context): string {
  const env = c.env as Bindings | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.requestContext?.http?.sourceIp ?? UNKNOWN_CLIENT;
}

/**
 * The client a request is counted against. With `trustedProxies` = 0 it is the peer, and
 * X-Forwarded-For is ignored, since any client can send one. Behind N proxies that each append the
 * address they saw (the ALB does), the client is the Nth entry from the right: entries further left
 * were written by the client and prove nothing.
 */
export function clientAddress(c: Context, trustedProxies: number): string {
  const peer = peerAddress(c);
  if (trustedProxies === 0) return peer;
  const forwarded = requestHeader(c, "x-forwarded-for");
  if (!forwarded) return peer;
  const hops = forwarded
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  return hops[hops.length - trustedProxies] ?? hops[0] ?? peer;
}
