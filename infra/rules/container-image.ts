import type { ImagesConfig } from "../delivery-config";

/** The Dockerfile's targets (docs/RUNTIME.md): the Lambda image and the long-running server image. */
export type ImageTarget = "lambda" | "server";

export type LambdaArchitecture = "x86_64" | "arm64";

/** The Docker platform an image must be built for to run on a Lambda architecture (or a matching node). */
export function imagePlatform(architecture: LambdaArchitecture): "linux/amd64" | "linux/arm64" {
  return architecture === "arm64" ? "linux/arm64" : "linux/amd64";
}

/** One rule of an awsx ECR lifecycle policy (`awsx.types.input.ecr.LifecyclePolicyRuleArgs`). */
export interface EcrLifecycleRule {
  description: string;
  tagStatus: "any" | "tagged" | "untagged";
  maximumNumberOfImages: number;
}

/**
 * Keep the newest `keepLast` images of a repository, tagged or not. Each repository holds one target,
 * so the image in use is always the newest and can never be expired; older ones remain for rollback.
 */
export function ecrLifecycleRules(settings: Pick<ImagesConfig, "keepLast">): EcrLifecycleRule[] {
  return [
    {
      description: `keep the newest ${settings.keepLast} images`,
      tagStatus: "any",
      maximumNumberOfImages: settings.keepLast,
    },
  ];
}

/**
 * Tags move: awsx pushes every build of a target under the same tag and consumers pin the pushed
 * digest, which never changes. IMMUTABLE would reject the second push of the tag.
 */
export const ECR_TAG_MUTABILITY = "MUTABLE";
