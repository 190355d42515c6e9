/**
 * The offline plan: the program under Pulumi's mock runtime with a stack's config, as a plan of declared
 * inputs (not a diff against the cloud), with the policy pack's results; writes plan.json for review.
 *
 *   npm run plan [-- --stack dev] [--out plan.json] [--json]
 *
 * Exit codes: 0 planned, 1 a mandatory policy failed, 2 the config or the program is invalid.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { Command } from "commander";
import { ValidationError } from "../app/lib/validation";
import { AgentBundleMissingError } from "../infra/lookups/agent-bundle";
import { buildPlan } from "../infra/plan/plan";
import { renderPlanText } from "../infra/plan/render-text";
import { EncryptedConfigError, REPO_ROOT } from "../infra/plan/stack-files";

async function main(argv: string[]): Promise<number> {
  const options = new Command("plan")
    .description("Plan a stack offline: declared inputs, unknowns as unknown, policy results")
    .option("--stack <name>", "the stack whose Pulumi.<stack>.yaml to plan", "dev")
    .option("--out <file>", "where to write the plan as JSON", path.join(REPO_ROOT, "plan.json"))
    .option("--json", "print the plan as JSON instead of text")
    .parse(argv)
    .opts<{ stack: string; out: string; json?: boolean }>();

  const started = performance.now();
  const plan = await buildPlan({ stack: options.stack });
  const elapsedMs = Math.round(performance.now() - started);
  const json = `${JSON.stringify(plan, null, 2)}\n`;
  await writeFile(options.out, json);

  if (options.json) process.stdout.write(json);
  else
    process.stdout.write(
      `${renderPlanText(plan)}\nplan.json: ${path.relative(process.cwd(), options.out) || options.out} (planned in ${elapsedMs} ms)\n`,
    );
  return plan.summary.policies.fail > 0 ? 1 : 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known =
      error instanceof ValidationError ||
      error instanceof EncryptedConfigError ||
      error instanceof AgentBundleMissingError;
    console.error(
      `plan: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : error}`,
    );
    process.exitCode = 2;
  },
);
