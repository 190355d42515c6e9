// The policy pack Pulumi runs: `pulumi preview --policy-pack infra/policy` (or through `npm run stack`).
import { PolicyPack } from "@pulumi/policy";
import { policyPackPolicies } from "./pack";

new PolicyPack("opsdeck", { policies: policyPackPolicies() });
