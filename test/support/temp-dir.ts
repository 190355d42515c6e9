import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach } from "vitest";

/**
 * Returns a function that makes a fresh temp directory, removed after each test.
 * Call at the top of a describe block: `const tempDir = useTempDirs();`.
 */
export function useTempDirs(label = "opsdeck-test"): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), `${label}-`));
    made.push(dir);
    return dir;
  };
}
