import type { z } from "zod";
import { dashboardAppConfigSchema } from "../../dashboard/config";
import { formatPath, issuesFromZod } from "../lib/validation";
import { interpolateEnv } from "./interpolate";
import type { Env } from "./secrets";
import { type LocatedIssue, parseLocatedYaml, pathSegments, positionOf, unknownKeyOf } from "./yaml-location";

/**
 * Every problem in an app config document, each with its path and line:column. The schema is the
 * widest one a process reads (the dashboard's: monitoring, `logs`, `backups`, `dashboard`), so a
 * document valid here loads in the CLI, the agent and the dashboard alike. `urlEnv` secrets are not
 * resolved: they exist where the process runs, not where the file is checked. `${NAME}` references
 * are filled from `env` as the process would fill them, so a reference with neither a value nor a
 * default is reported.
 */
export function appConfigFileIssues(
  text: string,
  schema: z.ZodType = dashboardAppConfigSchema,
  env: Env = process.env,
): LocatedIssue[] {
  const { doc, lineCounter, syntaxIssues } = parseLocatedYaml(text);
  if (syntaxIssues.length > 0) return syntaxIssues;
  const unfilled = interpolateEnv(doc, env);
  if (unfilled.length > 0) {
    return unfilled.map(({ path, message }) => ({
      path: formatPath(path),
      message,
      ...positionOf(doc, lineCounter, path),
    }));
  }
  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return [];
  return issuesFromZod(result.error).map((issue) => {
    const segments = pathSegments(issue.path);
    const unknownKey = unknownKeyOf(issue.message);
    if (unknownKey !== undefined) segments.push(unknownKey);
    return { ...issue, ...positionOf(doc, lineCounter, segments) };
  });
}
