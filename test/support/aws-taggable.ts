/**
 * Which AWS resource types accept tags, read from the installed @pulumi/aws type declarations
 * (`<module>/<resource>.d.ts` declares `tags?` in its Args interface). Reading the provider's own
 * declarations keeps the "every taggable resource is tagged" policy honest as the stack grows.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

const awsRoot = path.dirname(require.resolve("@pulumi/aws/package.json"));
const cache = new Map<string, boolean>();

/** True when the resource type token (`aws:s3/bucket:Bucket`) accepts a `tags` argument. */
export function isTaggableAwsType(type: string): boolean {
  const known = cache.get(type);
  if (known !== undefined) return known;
  const match = /^aws:([a-zA-Z0-9]+)\/([a-zA-Z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  if (match === null) throw new Error(`not an AWS resource type token: ${type}`);
  const [, module, file, className] = match;
  const declarations = readFileSync(path.join(awsRoot, module as string, `${file}.d.ts`), "utf8");
  const start = declarations.indexOf(`export interface ${className}Args {`);
  if (start < 0) throw new Error(`${type}: no ${className}Args in @pulumi/aws/${module}/${file}.d.ts`);
  const body = declarations.slice(start, declarations.indexOf("\n}", start));
  const taggable = /^\s+tags\?:/m.test(body);
  cache.set(type, taggable);
  return taggable;
}
