import { isIPv4, isIPv6 } from "node:net";
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
  if (trustedProxies === 0) return clientKey(peer);
  const forwarded = requestHeader(c, "x-forwarded-for");
  if (!forwarded) return clientKey(peer);
  const hops = forwarded
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  return clientKey(hops[hops.length - trustedProxies] ?? hops[0] ?? peer);
}

/**
 * The key an address is counted under. An IPv6 client is usually handed a whole /64 and can pick a
 * new address in it for every request, so IPv6 addresses count per /64; an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, from a dual-stack socket) counts as the IPv4 address it carries.
 */
export function clientKey(address: string): string {
  const bare = address.split("%")[0] as string;
  if (!isIPv6(bare)) return address;
  const lower = bare.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  const [head = "", tail] = lower.split("::");
  const groups = (part: string | undefined) =>
    part ? part.split(":").flatMap((group) => (group.includes(".") ? ["0", "0"] : [group])) : [];
  const before = groups(head);
  const after = groups(tail);
  const full =
    tail === undefined ? before : [...before, ...Array(8 - before.length - after.length).fill("0"), ...after];
  return `${full
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}
