import { z } from "zod";

/** Where opsdeck keeps its state: a local directory (embedded default) or an S3 bucket. */
export const storageConfigSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    /** Directory for all state; relative paths resolve against the working directory. */
    dir: z.string().min(1).default(".opsdeck/data"),
  }),
  z.strictObject({
    type: z.literal("s3"),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name"),
    prefix: z.string().default(""),
    region: z.string().optional(),
    /** An S3-compatible endpoint (MinIO, s3rver); leave unset for AWS. */
    endpoint: z.url().optional(),
  }),
]);

export type StorageConfig = z.output<typeof storageConfigSchema>;

export const defaultStorageConfig: StorageConfig = { type: "local", dir: ".opsdeck/data" };
