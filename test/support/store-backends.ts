import { afterAll, beforeAll } from "vitest";
import { LocalStore, S3Store, type Store } from "../../app/storage";
import type { S3StoreOptions } from "../../app/storage/s3-store";
import { type LocalS3, startLocalS3 } from "./s3-server";
import { useTempDirs } from "./temp-dir";

export type StoreBackend = [name: string, makeStore: () => Promise<Store>];

/**
 * Both Store implementations for `describe.each`: a LocalStore in a fresh temp dir and an S3Store
 * on a real S3-compatible server (s3rver on 127.0.0.1), started once for the test file. Call at
 * the top level of a test file; `s3()` is the server, for tests that talk to it directly.
 */
export function useStoreBackends(
  label: string,
  s3Options: Omit<Partial<S3StoreOptions>, "bucket" | "client"> = {},
): { backends: StoreBackend[]; tempDir: () => Promise<string>; s3: () => LocalS3 } {
  let server: LocalS3 | undefined;
  beforeAll(async () => {
    server = await startLocalS3();
  });
  afterAll(async () => {
    await server?.close();
  });
  const s3 = (): LocalS3 => {
    if (!server) throw new Error("the local S3 server is not running: use s3() inside a test");
    return server;
  };
  const tempDir = useTempDirs(label);
  return {
    backends: [
      ["LocalStore", async () => new LocalStore(await tempDir())],
      [
        "S3Store",
        async () => new S3Store({ ...s3Options, bucket: await s3().createBucket(), client: s3().client }),
      ],
    ],
    tempDir,
    s3,
  };
}
