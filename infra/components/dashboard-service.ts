import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DashboardConfig } from "../config";
import { dashboardEnvironment } from "../rules/dashboard-environment";
import { dashboardPolicyDocument, lambdaTrustPolicyDocument } from "../rules/dashboard-policy";
import { boundedName, IAM_ROLE_NAME_MAX_LENGTH } from "../rules/naming";
import type { Tags } from "../rules/tags";
import { releaseDashboard } from "./dashboard-release";

/** Lambda function names: at most 64 characters. */
const LAMBDA_NAME_MAX_LENGTH = 64;

export interface DashboardServiceArgs {
  settings: DashboardConfig;
  /** The `lambda` image, pinned by digest. */
  imageUri: pulumi.Input<string>;
  /** The app config the function receives as OPSDECK_CONFIG (storage included), as JSON text. */
  appConfigJson: pulumi.Input<string>;
  backupBucket: { arn: pulumi.Input<string>; kmsKeyArn?: pulumi.Input<string> };
  /** Where the function runs; the smoke test signs its requests to the candidate URL for this region. */
  region: pulumi.Input<string>;
  dashboardToken?: pulumi.Input<string>;
  alertWebhookUrl?: pulumi.Input<string>;
  /** Base for AWS names that have a length limit (`opsdeck-dev`). */
  namePrefix: string;
  tags: Tags;
}

/**
 * The dashboard as a Lambda function from the `lambda` image: a log group with retention, a role that
 * reaches only its own bucket prefixes, a version per image (or configuration) promoted to the `live`
 * alias only after a smoke test of `/healthz` passed (dashboard-release.ts), and on that alias the
 * Function URL and an EventBridge schedule for checks rounds.
 */
export class DashboardService extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  /** The alias taking traffic; `aws lambda update-alias --name live` rolls back by hand. */
  public readonly liveAliasArn: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;

  private readonly args: DashboardServiceArgs;

  constructor(name: string, args: DashboardServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("opsdeck:dashboard:DashboardService", name, {}, opts);
    this.args = args;

    const logGroup = this.createLogGroup(name);
    const { role, policy } = this.createRole(name, logGroup);
    const fn = this.createFunction(role, logGroup, [policy]);
    const live = releaseDashboard(
      name,
      { fn, smokeTest: args.settings.smokeTest, region: args.region },
      this,
    );
    const functionUrl = this.createFunctionUrl(name, fn, live);
    this.scheduleCheckRounds(name, fn, live);

    this.url = functionUrl.functionUrl;
    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.liveAliasArn = live.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({
      url: this.url,
      functionName: this.functionName,
      liveAliasArn: this.liveAliasArn,
      logGroupName: this.logGroupName,
    });
  }

  private createLogGroup(name: string): aws.cloudwatch.LogGroup {
    // Named up front (not /aws/lambda/<auto-name>) so the role can be scoped to it before the function exists.
    return new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/opsdeck/${this.args.namePrefix}/dashboard`,
        retentionInDays: this.args.settings.logRetentionDays,
        tags: this.args.tags,
      },
      { parent: this },
    );
  }

  private createRole(
    name: string,
    logGroup: aws.cloudwatch.LogGroup,
  ): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(
      boundedName(this.args.namePrefix, "dashboard-role", IAM_ROLE_NAME_MAX_LENGTH),
      {
        description: "opsdeck dashboard function",
        assumeRolePolicy: JSON.stringify(lambdaTrustPolicyDocument()),
        tags: this.args.tags,
      },
      { parent: this },
    );
    const { arn, kmsKeyArn } = this.args.backupBucket;
    const policy = new aws.iam.RolePolicy(
      `${name}-access`,
      {
        role: role.name,
        policy: pulumi
          .all([arn, kmsKeyArn, logGroup.arn])
          .apply(([bucketArn, keyArn, logGroupArn]) =>
            JSON.stringify(dashboardPolicyDocument({ bucketArn, kmsKeyArn: keyArn, logGroupArn })),
          ),
      },
      { parent: this },
    );
    return { role, policy };
  }

  private createFunction(
    role: aws.iam.Role,
    logGroup: aws.cloudwatch.LogGroup,
    ready: pulumi.Resource[],
  ): aws.lambda.Function {
    const { settings } = this.args;
    const variables = pulumi
      .all([this.args.appConfigJson, this.args.dashboardToken, this.args.alertWebhookUrl])
      .apply(([appConfigJson, dashboardToken, alertWebhookUrl]) =>
        dashboardEnvironment({
          appConfig: JSON.parse(appConfigJson) as Record<string, unknown>,
          logLevel: settings.logLevel,
          dashboardToken,
          alertWebhookUrl,
        }),
      );
    return new aws.lambda.Function(
      boundedName(this.args.namePrefix, "dashboard", LAMBDA_NAME_MAX_LENGTH),
      {
        description: "opsdeck dashboard and checks rounds",
        packageType: "Image",
        imageUri: this.args.imageUri,
        architectures: [settings.architecture],
        role: role.arn,
        memorySize: settings.memoryMb,
        timeout: settings.timeoutSeconds,
        reservedConcurrentExecutions: settings.reservedConcurrency,
        environment: { variables },
        // Each change publishes a version; the live alias moves to it once the smoke test passed.
        publish: true,
        // Text keeps the app's own JSON log lines (pino) as they are.
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        tags: this.args.tags,
      },
      // The first cold start must find its permissions in place.
      { parent: this, dependsOn: ready },
    );
  }

  /** The dashboard's URL, on the live alias: it serves only versions that passed the smoke test. */
  private createFunctionUrl(
    name: string,
    fn: aws.lambda.Function,
    live: aws.lambda.Alias,
  ): aws.lambda.FunctionUrl {
    const authorizationType = this.args.settings.urlAuth;
    const functionUrl = new aws.lambda.FunctionUrl(
      `${name}-url`,
      { functionName: fn.name, qualifier: live.name, authorizationType, invokeMode: "BUFFERED" },
      { parent: this },
    );
    if (authorizationType !== "NONE") return functionUrl;
    // A public URL needs both statements in the function's policy since October 2025, on the URL's
    // alias (a grant on the function does not reach its aliases); the app's dashboard token, not IAM,
    // guards the non-public views.
    new aws.lambda.Permission(
      `${name}-url-public`,
      {
        action: "lambda:InvokeFunctionUrl",
        function: fn.name,
        qualifier: live.name,
        principal: "*",
        functionUrlAuthType: "NONE",
      },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-url-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        qualifier: live.name,
        principal: "*",
        invokedViaFunctionUrl: true,
      },
      { parent: this },
    );
    return functionUrl;
  }

  /** Checks rounds run on the live version, like the URL's requests. */
  private scheduleCheckRounds(name: string, fn: aws.lambda.Function, live: aws.lambda.Alias): void {
    const rule = new aws.cloudwatch.EventRule(
      `${name}-checks`,
      {
        description: "opsdeck: one checks round per scheduled event",
        scheduleExpression: this.args.settings.schedule,
        tags: this.args.tags,
      },
      { parent: this },
    );
    // No `input`: the function receives EventBridge's standard "Scheduled Event", which is how it tells
    // a checks round from an HTTP request.
    new aws.cloudwatch.EventTarget(
      `${name}-checks-target`,
      { rule: rule.name, arn: live.arn },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-checks-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        qualifier: live.name,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      { parent: this },
    );
  }
}
