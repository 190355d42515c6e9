import type { Context } from "hono";

type NodeBindings = { incoming?: { headers: Record<string, string | string[] | undefined> } };

/**
 * A request header by its lower-case name. Under @hono/node-server it is read from Node's parsed
 * headers: the first `c.req.header()` builds a Fetch `Headers` object for the request, which costs
 * more than answering a cached page. Elsewhere (Lambda, `app.request`) the Fetch Request is used.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
