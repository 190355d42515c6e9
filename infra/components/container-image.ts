import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { ImagesConfig } from "../delivery-config";
import { ECR_TAG_MUTABILITY, ecrLifecycleRules, type ImageTarget } from "../rules/container-image";
import type { Tags } from "../rules/tags";

/** docs/RUNTIME.md: one Dockerfile, built with the repository root as context. */
export const DOCKERFILE = "lambda/Dockerfile";
export const BUILD_CONTEXT = ".";

export interface ContainerImageArgs {
  target: ImageTarget;
  /** `linux/amd64` or `linux/arm64`, matching where the image runs. */
  platform: string;
  settings: ImagesConfig;
  tags: Tags;
}

/**
 * One target of the repository's Dockerfile, built with Docker and pushed to its own ECR repository:
 * scanned on push, keeping the newest images. `imageUri` pins the pushed digest, so a function or Pod
 * changes exactly when the image's content does.
 */
export class ContainerImage extends pulumi.ComponentResource {
  /** `<repository url>@sha256:<digest>`. */
  public readonly imageUri: pulumi.Output<string>;
  public readonly repositoryUrl: pulumi.Output<string>;

  constructor(name: string, args: ContainerImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("opsdeck:images:ContainerImage", name, {}, opts);

    const repository = new awsx.ecr.Repository(
      name,
      {
        // Vulnerability findings for every pushed image, visible in the console and to EventBridge.
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: ECR_TAG_MUTABILITY,
        forceDelete: args.settings.forceDelete,
        lifecyclePolicy: { rules: ecrLifecycleRules(args.settings) },
        tags: args.tags,
      },
      { parent: this },
    );
    const image = new awsx.ecr.Image(
      `${name}-image`,
      {
        repositoryUrl: repository.url,
        context: BUILD_CONTEXT,
        dockerfile: DOCKERFILE,
        target: args.target,
        platform: args.platform,
        // A fixed tag per target: without it awsx derives the same name for every target of one Dockerfile.
        imageTag: args.target,
      },
      { parent: this },
    );

    this.repositoryUrl = repository.url;
    this.imageUri = image.imageUri;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, imageUri: this.imageUri });
  }
}
