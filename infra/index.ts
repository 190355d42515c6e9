// The Pulumi program: stack config → components → stack outputs. All logic lives in ./stack and ./config.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { AGENT_BUNDLE_PATH, ensureAgentBundle } from "./lookups/agent-bundle";
import { createStack } from "./stack";

// Validated before anything is created: a bad value stops the run here, naming its key path.
const config = loadConfig();
// The agent ships the bundle `npm run build` made, built here when a fresh checkout has not
// (OPSDECK_AGENT_BUNDLE points elsewhere, e.g. in tests).
const agentBundle = config.agent.enabled
  ? ensureAgentBundle(path.resolve(__dirname, ".."), process.env.OPSDECK_AGENT_BUNDLE ?? AGENT_BUNDLE_PATH, {
      log: (message) => void pulumi.log.info(message),
    })
  : undefined;
const outputs = createStack(config, { agentBundle });

export const bucketName = outputs.bucketName;
export const bucketArn = outputs.bucketArn;
export const instanceIds = outputs.instanceIds;
export const privateIps = outputs.privateIps;
export const albDnsName = outputs.albDnsName;
export const albUrl = outputs.albUrl;
export const lbConfig = outputs.lbConfig;
export const dashboardUrl = outputs.dashboardUrl;
export const dashboardFunctionName = outputs.dashboardFunctionName;
export const dashboardImage = outputs.dashboardImage;
export const serverImage = outputs.serverImage;
export const agentBundleKey = outputs.agentBundleKey;
export const kubernetesManifests = outputs.kubernetesManifests;
