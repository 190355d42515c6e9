import * as pulumi from "@pulumi/pulumi";

/**
 * Replaces placeholder strings in a plain object with Pulumi inputs. Pure builders (the Pod builder)
 * take strings; values known only at deployment (an image digest, the bucket name) are passed as
 * tokens and bound here, so everything else in the object stays known during `pulumi preview`.
 */
export function bindInputs<T>(value: T, bindings: Record<string, pulumi.Input<string>>): pulumi.Input<T> {
  return bind(value, bindings) as pulumi.Input<T>;
}

function bind(value: unknown, bindings: Record<string, pulumi.Input<string>>): unknown {
  if (typeof value === "string") return Object.hasOwn(bindings, value) ? bindings[value] : value;
  if (Array.isArray(value)) return value.map((item) => bind(item, bindings));
  if (typeof value === "object" && value !== null && !pulumi.Output.isInstance(value))
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, bind(inner, bindings)]));
  return value;
}
