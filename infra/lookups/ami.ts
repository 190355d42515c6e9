import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { type Architecture, al2023AmiParameter } from "../rules/instance-types";

/**
 * Returns a lookup of the latest Amazon Linux 2023 image per architecture, asking SSM at most once
 * per architecture. `insecureValue` is read because `value` is always marked secret by the provider,
 * which would hide a public AMI id in every diff.
 */
export function al2023AmiLookup(
  opts?: pulumi.InvokeOutputOptions,
): (arch: Architecture) => pulumi.Output<string> {
  const cache = new Map<Architecture, pulumi.Output<string>>();
  return (arch) => {
    let ami = cache.get(arch);
    if (ami === undefined) {
      ami = aws.ssm.getParameterOutput({ name: al2023AmiParameter(arch) }, opts).insecureValue;
      cache.set(arch, ami);
    }
    return ami;
  };
}
