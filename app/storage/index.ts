import type { StorageConfig } from "./config";
import { LocalStore } from "./local-store";
import { createS3Client, S3Store } from "./s3-store";
import type { Store } from "./store";

export * from "./config";
export { LocalStore } from "./local-store";
export { readStoredJson, type StoredJson } from "./read-json";
export { createS3Client, S3Store } from "./s3-store";
export * from "./store";

/** Opens the store a validated storage config describes. */
export function openStore(config: StorageConfig): Store {
  switch (config.type) {
    case "local":
      return new LocalStore(config.dir);
    case "s3":
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
