// The Pulumi program: stack config → components → stack outputs. All logic lives in ./stack and ./config.
import { loadConfig } from "./config";
import { createStack } from "./stack";

// Validated before anything is created: a bad value stops the run here, naming its key path.
const config = loadConfig();
const outputs = createStack(config);

export const bucketName = outputs.bucketName;
export const bucketArn = outputs.bucketArn;
export const instanceIds = outputs.instanceIds;
export const privateIps = outputs.privateIps;
export const albDnsName = outputs.albDnsName;
export const albUrl = outputs.albUrl;
export const lbConfig = outputs.lbConfig;
