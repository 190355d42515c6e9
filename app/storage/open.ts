import type { StorageConfig } from "./config";
import type { Store } from "./store";

/**
 * Opens the store a validated storage config describes. Each kind is loaded when asked for, so a
 * local store never loads the AWS SDK (~19 MiB resident), which is most of a CLI run's memory.
 */
export async function openStore(config: StorageConfig): Promise<Store> {
  switch (config.type) {
    case "local": {
      const { LocalStore } = await import("./local-store.js");
      return new LocalStore(config.dir);
    }
    case "s3": {
      const { createS3Client, S3Store } = await import("./s3-store.js");
      return new S3Store({
        bucket: config.bucket,
        prefix: config.prefix,
        client: createS3Client({
          ...(config.region ? { region: config.region } : {}),
          ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        }),
      });
    }
  }
}
