import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkConfig } from "../config";

/** The VPC the stack runs in, resolved once and shared by the fleet and the load balancer. */
export interface Network {
  vpcId: pulumi.Output<string>;
  vpcCidr: pulumi.Output<string>;
  /** Sorted, so server placement (`subnetIds[i % n]`) does not move between runs. */
  subnetIds: pulumi.Output<string[]>;
}

/**
 * The configured VPC and subnets, or the account's default VPC and its default subnets (one per
 * availability zone). A subnet change would replace instances, hence the stable ordering.
 */
export function resolveNetwork(config: NetworkConfig, opts?: pulumi.InvokeOutputOptions): Network {
  const vpc =
    config.vpcId === undefined
      ? aws.ec2.getVpcOutput({ default: true }, opts)
      : aws.ec2.getVpcOutput({ id: config.vpcId }, opts);
  const subnetIds =
    config.subnetIds === undefined
      ? aws.ec2
          .getSubnetsOutput(
            {
              filters: [
                { name: "vpc-id", values: [vpc.id] },
                { name: "default-for-az", values: ["true"] },
              ],
            },
            opts,
          )
          .apply((result) => [...result.ids].sort())
      : pulumi.output([...config.subnetIds].sort());
  return { vpcId: vpc.id, vpcCidr: vpc.cidrBlock, subnetIds };
}
