import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { DashboardConfig } from "../config";
import { SMOKE_TEST_SCRIPT, smokeTestEnvironment } from "../rules/smoke-test";

/** The alias that takes traffic: the public Function URL and the checks schedule invoke it. */
export const LIVE_ALIAS = "live";
/** The alias the smoke test calls: the newest published version, before it takes traffic. */
export const CANDIDATE_ALIAS = "candidate";

export interface DashboardReleaseArgs {
  /** The function, with `publish: true`: every change of image or configuration is a new version. */
  fn: aws.lambda.Function;
  smokeTest: DashboardConfig["smokeTest"];
  /** Where the function runs: the smoke test signs its requests for this region. */
  region: pulumi.Input<string>;
}

/**
 * Moves the `live` alias to a newly published version only once the smoke test passed against that
 * version (through the `candidate` alias). A failing smoke test fails `pulumi up` before `live` moves,
 * so traffic stays on the previous version. With the smoke test off, `live` follows each version.
 * Returns the `live` alias.
 */
export function releaseDashboard(
  name: string,
  args: DashboardReleaseArgs,
  parent: pulumi.Resource,
): aws.lambda.Alias {
  const gate = args.smokeTest.enabled ? [smokeTestCandidate(name, args, parent)] : [];
  return new aws.lambda.Alias(
    `${name}-live`,
    {
      name: LIVE_ALIAS,
      description: "opsdeck: the version serving the dashboard URL and the checks schedule",
      functionName: args.fn.name,
      functionVersion: args.fn.version,
    },
    // The ordering is the rollback: no passed smoke test, no move.
    { parent, dependsOn: gate },
  );
}

/** The candidate alias on the new version, its signed-only URL, and the smoke test against it. */
function smokeTestCandidate(
  name: string,
  args: DashboardReleaseArgs,
  parent: pulumi.Resource,
): command.local.Command {
  const candidate = new aws.lambda.Alias(
    `${name}-candidate`,
    {
      name: CANDIDATE_ALIAS,
      description: "opsdeck: the newest version, smoke-tested before the live alias moves to it",
      functionName: args.fn.name,
      functionVersion: args.fn.version,
    },
    { parent },
  );
  // AWS_IAM, whatever dashboard.urlAuth says: an unproven version (or one that failed, which the
  // candidate alias keeps) is never reachable by the public. Same-account callers need no
  // resource-policy statement: their own IAM policy grants lambda:InvokeFunctionUrl + InvokeFunction.
  const candidateUrl = new aws.lambda.FunctionUrl(
    `${name}-candidate-url`,
    {
      functionName: args.fn.name,
      qualifier: candidate.name,
      authorizationType: "AWS_IAM",
      invokeMode: "BUFFERED",
    },
    { parent },
  );
  const { smokeTest } = args;
  return new command.local.Command(
    `${name}-smoke-test`,
    {
      create: SMOKE_TEST_SCRIPT,
      interpreter: ["/bin/sh", "-c"],
      environment: pulumi.all([candidateUrl.functionUrl, args.region]).apply(([url, region]) =>
        smokeTestEnvironment(url, {
          attempts: smokeTest.attempts,
          intervalSeconds: smokeTest.intervalSeconds,
          timeoutSeconds: smokeTest.timeoutSeconds,
          signingRegion: region,
        }),
      ),
      // Re-run for every version the candidate alias moves to (or a new candidate URL); a failure
      // fails the update, and the next `pulumi up` runs it again.
      triggers: [candidate.functionVersion, candidateUrl.functionUrl],
    },
    // Only once the alias points at the new version and its URL exists: before that a healthy version
    // would look broken.
    { parent, dependsOn: [candidate, candidateUrl] },
  );
}
