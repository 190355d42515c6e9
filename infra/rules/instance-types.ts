/**
 * The EC2 instance types a server may use, with the CPU architecture each one needs. The list is curated
 * (burstable and current general-purpose sizes) so a typo fails in config validation instead of at
 * `RunInstances`, and so the Amazon Linux 2023 image can be picked for the right architecture.
 */
export const instanceTypes = {
  "t3.nano": "x86_64",
  "t3.micro": "x86_64",
  "t3.small": "x86_64",
  "t3.medium": "x86_64",
  "t3.large": "x86_64",
  "t3.xlarge": "x86_64",
  "t3a.micro": "x86_64",
  "t3a.small": "x86_64",
  "t3a.medium": "x86_64",
  "t3a.large": "x86_64",
  "m7i.large": "x86_64",
  "m7i.xlarge": "x86_64",
  "c7i.large": "x86_64",
  "r7i.large": "x86_64",
  "t4g.nano": "arm64",
  "t4g.micro": "arm64",
  "t4g.small": "arm64",
  "t4g.medium": "arm64",
  "t4g.large": "arm64",
  "m7g.large": "arm64",
  "m7g.xlarge": "arm64",
  "c7g.large": "arm64",
  "r7g.large": "arm64",
} as const satisfies Record<string, Architecture>;

export type Architecture = "x86_64" | "arm64";
export type InstanceType = keyof typeof instanceTypes;

export const instanceTypeNames = Object.keys(instanceTypes) as [InstanceType, ...InstanceType[]];

export function architectureOf(instanceType: InstanceType): Architecture {
  return instanceTypes[instanceType];
}

/** The public SSM parameter AWS keeps pointing at the latest Amazon Linux 2023 image for `arch`. */
export function al2023AmiParameter(arch: Architecture): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}
