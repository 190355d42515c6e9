import { spawn } from "node:child_process";
import { writeSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import {
  createS3Client,
  LocalStore,
  readAll,
  S3Store,
  StoreError,
  StoreNotFoundError,
  type UnfinishedWrite,
} from "../../../app/storage";
import { useStoreBackends } from "../../support/store-backends";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A readable that yields `chunks` and then fails, like a source dying mid-backup. */
function failingSource(chunks: Buffer[]): Readable {
  let i = 0;
  return new Readable({
    read() {
      const next = chunks[i++];
      if (next) this.push(next);
      else this.destroy(new Error("source died"));
    },
  });
}

const { backends, tempDir, s3 } = useStoreBackends("opsdeck-store", { prefix: "opsdeck" });

describe.each(backends)("%s", (_name, makeStore) => {
  it("round-trips an object with its metadata", async () => {
    const store = await makeStore();
    await store.put("hosts/web01.json", '{"ok":true}', {
      contentType: "application/json",
      metadata: { Sha256: "abc" },
    });

    expect((await store.get("hosts/web01.json"))?.toString()).toBe('{"ok":true}');
    const info = await store.head("hosts/web01.json");
    expect(info).toMatchObject({ key: "hosts/web01.json", size: 11, metadata: { sha256: "abc" } });
  });

  it("returns undefined for a missing key and rejects streams with StoreNotFoundError", async () => {
    const store = await makeStore();
    expect(await store.get("nope/missing.json")).toBeUndefined();
    expect(await store.head("nope/missing.json")).toBeUndefined();
    await expect(store.getStream("nope/missing.json")).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it("lists keys under a prefix in key order, without the store's own prefix", async () => {
    const store = await makeStore();
    for (const key of [
      "checks/web/2026-11-02.jsonl",
      "checks/web/2026-11-01.jsonl",
      "checks/web-a/x.jsonl",
      "hosts/a.json",
    ]) {
      await store.put(key, key);
    }

    const keys = (await collect(store.list("checks/web/"))).map((o) => o.key);
    expect(keys).toEqual(["checks/web/2026-11-01.jsonl", "checks/web/2026-11-02.jsonl"]);
    // A prefix that is not a whole segment also matches siblings. (s3rver orders these differently
    // from AWS, which sorts by UTF-8 bytes, so compare as sets.)
    const partial = (await collect(store.list("checks/web"))).map((o) => o.key).sort();
    expect(partial).toEqual([
      "checks/web-a/x.jsonl",
      "checks/web/2026-11-01.jsonl",
      "checks/web/2026-11-02.jsonl",
    ]);
    expect((await collect(store.list(""))).length).toBe(4);
  });

  it("streams a multi-part object byte-exact and reports progress", async () => {
    const store = await makeStore();
    const payload = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE(i, i);
    let progress = 0;

    const info = await store.putStream(
      "backups/web01/a.tar.gz",
      Readable.from([payload.subarray(0, 7e6), payload.subarray(7e6)]),
      {
        metadata: { sha256: "feed" },
        onProgress: (bytes) => {
          progress = bytes;
        },
      },
    );

    expect(info.size).toBe(payload.length);
    expect(info.metadata.sha256).toBe("feed");
    expect(progress).toBe(payload.length);
    const back = await readAll(await store.getStream("backups/web01/a.tar.gz"));
    expect(back.equals(payload)).toBe(true);
  });

  it("leaves nothing at the key when the source stream fails midway", async () => {
    const store = await makeStore();
    const chunk = Buffer.alloc(6 * 1024 * 1024, 1);

    await expect(
      store.putStream("backups/web01/broken.tar.gz", failingSource([chunk, chunk])),
    ).rejects.toBeInstanceOf(StoreError);

    expect(await store.head("backups/web01/broken.tar.gz")).toBeUndefined();
    expect(await collect(store.list("backups/"))).toEqual([]);
  });

  it("leaves nothing at the key when the upload is aborted", async () => {
    const store = await makeStore();
    const controller = new AbortController();
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(1024));
    const pending = store.putStream("backups/web01/aborted.tar.gz", source, { signal: controller.signal });

    setTimeout(() => controller.abort(), 50);

    await expect(pending).rejects.toBeInstanceOf(StoreError);
    expect(await store.head("backups/web01/aborted.tar.gz")).toBeUndefined();
  });

  it("overwrites atomically and deletes idempotently", async () => {
    const store = await makeStore();
    await store.put("state/alerts.json", "v1");
    await store.put("state/alerts.json", "v2");
    expect((await store.get("state/alerts.json"))?.toString()).toBe("v2");

    await store.delete("state/alerts.json");
    await store.delete("state/alerts.json");
    expect(await store.get("state/alerts.json")).toBeUndefined();
  });

  it.each(["", "/etc/passwd", "a/../b", "a//b", ".hidden", "a\\b", "a/\u0000"])(
    "rejects the key %j",
    async (key) => {
      const store = await makeStore();
      await expect(store.put(key, "x")).rejects.toThrow(/invalid store key/);
    },
  );
});

describe("LocalStore", () => {
  it("never leaves temp files behind after a failed stream", async () => {
    const dir = await tempDir();
    const store = new LocalStore(dir);

    await expect(store.putStream("logs/a.gz", failingSource([Buffer.from("partial")]))).rejects.toThrow();

    expect(await readdir(dir, { recursive: true })).toEqual(["logs"]); // the directory, no temp file
  });

  it("lists a write in progress as unfinished, and not once it completes", async () => {
    const store = new LocalStore(await tempDir());
    const body = new PassThrough();
    const writing = store.putStream("backups/web01/a.tar.gz", body);
    body.write(Buffer.alloc(1000));
    let during: UnfinishedWrite[] = [];
    while (during.length === 0 || (during[0]?.size ?? 0) < 1000) {
      during = await collect(store.listUnfinishedWrites("backups/"));
      await delay(5);
    }

    body.end();
    await writing;

    expect(during).toEqual([
      {
        key: "backups/web01/a.tar.gz",
        size: 1000,
        lastModified: expect.any(Date),
        ref: expect.stringMatching(/^\.a\.tar\.gz\.tmp-[0-9a-f]{12}$/),
      },
    ]);
    expect(await collect(store.listUnfinishedWrites("backups/"))).toEqual([]);
    expect(await collect(store.listUnfinishedWrites("logs/"))).toEqual([]);
  });

  it("publishes what a program wrote through the descriptor, with the metadata known afterwards", async () => {
    const store = new LocalStore(await tempDir());
    let seenWhileWriting: unknown;

    const info = await store.putFromDescriptor(
      "backups/web01/a.tar.zst",
      async (fd) => {
        const child = spawn("sh", ["-c", "printf 'tar bytes'"], { stdio: ["ignore", fd, "inherit"] });
        await new Promise((resolve) => child.on("close", resolve));
        seenWhileWriting = await store.head("backups/web01/a.tar.zst");
      },
      { metadata: { "opsdeck-host": "web01" }, trailingMetadata: () => ({ sha256: "abc" }) },
    );

    expect(seenWhileWriting).toBeUndefined();
    expect(info).toMatchObject({ size: 9, metadata: { "opsdeck-host": "web01", sha256: "abc" } });
    expect((await store.get("backups/web01/a.tar.zst"))?.toString()).toBe("tar bytes");
    expect(await collect(store.listUnfinishedWrites("backups/"))).toEqual([]);
  });

  it("leaves nothing at the key, and no temp file, when the descriptor's writer fails", async () => {
    const dir = await tempDir();
    const store = new LocalStore(dir);

    const failed = store.putFromDescriptor("backups/web01/a.tar.zst", async (fd) => {
      writeSync(fd, "half");
      throw new Error("zstd exited with status 1");
    });

    await expect(failed).rejects.toThrow(
      /cannot write backups\/web01\/a.tar.zst .*zstd exited with status 1/,
    );
    expect(await store.head("backups/web01/a.tar.zst")).toBeUndefined();
    expect(await readdir(dir, { recursive: true })).toEqual(["backups", "backups/web01"]);
  });

  it("removes what a killed write left, and nothing else", async () => {
    const dir = await tempDir();
    const store = new LocalStore(dir);
    await store.put("backups/web01/keep.json", "{}");
    // What a process killed mid-putStream leaves: the hidden temp file it never renamed.
    await mkdir(path.join(dir, "backups/web02"), { recursive: true });
    await writeFile(path.join(dir, "backups/web02/.b.tar.gz.tmp-0123456789ab"), "half");
    const [leftover] = await collect(store.listUnfinishedWrites("backups/"));

    await expect(
      store.removeUnfinishedWrite({
        key: "backups/web01/keep.json",
        size: 0,
        lastModified: new Date(),
        ref: "keep.json",
      }),
    ).rejects.toThrow(/"keep.json" is not a temp file of backups\/web01\/keep.json/);
    await store.removeUnfinishedWrite(leftover as UnfinishedWrite);

    expect(leftover).toMatchObject({ key: "backups/web02/b.tar.gz", size: 4 });
    expect((await readdir(dir, { recursive: true })).sort()).toEqual([
      "backups",
      "backups/web01",
      "backups/web01/keep.json",
    ]);
  });
});

describe("S3Store under a prefix-scoped IAM role", () => {
  /**
   * Real S3 answers GET/HEAD with 403 (not 404) for a key the caller may not list; s3rver enforces no
   * IAM, so the denial is injected at the client for the keys named in `denied`.
   */
  function denyReads(client: S3Client, denied: Set<string>): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        const isRead =
          context.commandName === "GetObjectCommand" || context.commandName === "HeadObjectCommand";
        if (isRead && input.Key !== undefined && denied.has(input.Key)) {
          throw new S3ServiceException({
            name: "AccessDenied",
            $fault: "client",
            $metadata: { httpStatusCode: 403 },
            message: "Access Denied",
          });
        }
        return next(args);
      },
      { step: "initialize", name: "denyReadsForTest" },
    );
  }

  it("treats a 403 on a key that a listing shows is absent as missing", async () => {
    const bucket = await s3().createBucket();
    const client = createS3Client({
      endpoint: s3().endpoint,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    denyReads(client, new Set(["opsdeck/hosts/web01.alerts.json"]));
    const store = new S3Store({ bucket, prefix: "opsdeck", client });

    expect(await store.get("hosts/web01.alerts.json")).toBeUndefined();
    expect(await store.head("hosts/web01.alerts.json")).toBeUndefined();
    await expect(store.getStream("hosts/web01.alerts.json")).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it("keeps a 403 on an existing key as an error", async () => {
    const bucket = await s3().createBucket();
    await new S3Store({ bucket, prefix: "opsdeck", client: s3().client }).put("hosts/web02.json", "{}");
    const client = createS3Client({
      endpoint: s3().endpoint,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    denyReads(client, new Set(["opsdeck/hosts/web02.json"]));
    const store = new S3Store({ bucket, prefix: "opsdeck", client });

    await expect(store.get("hosts/web02.json")).rejects.toThrow(/AccessDenied/);
    await expect(store.head("hosts/web02.json")).rejects.toBeInstanceOf(StoreError);
  });
});
