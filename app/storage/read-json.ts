import type { z } from "zod";
import { parseOrThrow } from "../lib/validation";
import type { Store } from "./store";

/** A stored JSON object read against a schema: absent, read, or a problem naming the object and its bad fields. */
export interface StoredJson<T> {
  value?: T;
  problem?: string;
}

/**
 * Reads the JSON object at `key` and validates it with `schema`. An absent object is `{}` ("no
 * data"); one that is not JSON or does not match the schema comes back as a problem, never thrown,
 * so one damaged report does not hide the others. Store errors are thrown.
 */
export async function readStoredJson<S extends z.ZodType>(
  store: Store,
  key: string,
  schema: S,
): Promise<StoredJson<z.output<S>>> {
  const body = await store.get(key);
  if (!body) return {};
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { problem: `${key} is not valid JSON` };
  }
  try {
    return { value: parseOrThrow(schema, json, key) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
