/**
 * Lambda entry point (`index.handler` in the image): the dashboard over Function URL / API Gateway v2
 * events, one checks round per EventBridge scheduled event. Config and secrets come from the
 * environment the stack sets (OPSDECK_CONFIG, OPSDECK_DASHBOARD_TOKEN; see docs/RUNTIME.md).
 */
import { createLambdaHandler } from "./runtime";

export const handler = createLambdaHandler({ env: process.env });
