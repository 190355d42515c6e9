export * from "./config";
export { LocalStore } from "./local-store";
export { openStore } from "./open";
export { readStoredJson, type StoredJson } from "./read-json";
export { createS3Client, S3Store } from "./s3-store";
export * from "./store";
