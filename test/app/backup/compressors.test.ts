import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BlockGzip } from "../../../app/backup/block-gzip";
import { CompressorError, createDecompressStream, selectCompressor } from "../../../app/backup/compressors";
import { GzipBlockCompressor } from "../../../app/backup/gzip-blocks";
import { ProcessFilter } from "../../../app/backup/process-filter";
import { readAll } from "../../../app/storage";
import { gzipBlocks, isEmbeddedCurrent } from "../../../scripts/build-wasm";
import { useTempDirs } from "../../support/temp-dir";

const tempDir = useTempDirs("opsdeck-compressors");

/** Half compressible text, half noise, in uneven chunks. */
function sample(bytes: number): Buffer[] {
  const text = Buffer.from(
    "Nov 21 05:11:44 web01 nginx[812]: 10.0.0.7 GET /api/v1/items 200\n".repeat(bytes / 128),
  );
  const all = Buffer.concat([text, randomBytes(bytes - text.length)]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += 77_777) chunks.push(all.subarray(i, i + 77_777));
  return chunks;
}

async function through(stream: NodeJS.ReadWriteStream, input: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(input), stream, async (source: AsyncIterable<string | Buffer>) => {
    for await (const chunk of source) out.push(Buffer.from(chunk));
  });
  return Buffer.concat(out);
}

/**
 * Writes `input` through `stream` from ONE buffer that is overwritten as soon as each write calls
 * back, as the tar writer's chunk pool does: the output is only right if the stream was done with
 * the bytes by then.
 */
async function throughReusedBuffer(
  stream: NodeJS.ReadWriteStream & Writable,
  input: Buffer[],
): Promise<Buffer> {
  const out: Buffer[] = [];
  const reading = (async () => {
    for await (const chunk of stream as unknown as AsyncIterable<Buffer>) out.push(Buffer.from(chunk));
  })();
  const scratch = Buffer.alloc(Math.max(...input.map((c) => c.length)));
  for (const chunk of input) {
    chunk.copy(scratch);
    await new Promise<void>((resolve, reject) =>
      stream.write(scratch.subarray(0, chunk.length), (error) => (error ? reject(error) : resolve())),
    );
    scratch.fill(0xee);
  }
  stream.end();
  await reading;
  return Buffer.concat(out);
}

describe.each([1, 3])("BlockGzip on %i thread(s)", (threads) => {
  it("produces gzip that Node and the gzip program both decompress to the input", async () => {
    const input = sample(3 * 1024 * 1024);
    const compressed = await through(new BlockGzip({ level: 6, blockSize: 256 * 1024, threads }), input);

    expect(gunzipSync(compressed).equals(Buffer.concat(input))).toBe(true);
    const gzip = await new Promise<Buffer>((resolve, reject) => {
      const child = execFile(
        "gzip",
        ["-dc"],
        { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
      child.stdin?.end(compressed);
    });
    expect(gzip.equals(Buffer.concat(input))).toBe(true);
  });

  it("cuts one large chunk into several blocks and keeps their order, a part-filled last round too", async () => {
    // 21 blocks of 100,000 bytes and a short one: the last round is not a whole one on 3 threads.
    const input = [Buffer.concat(sample(2 * 1024 * 1024))];
    const compressed = await through(new BlockGzip({ level: 1, blockSize: 100_000, threads }), input);

    expect(gunzipSync(compressed).equals(input[0] as Buffer)).toBe(true);
  });

  it("is done with a written chunk by the time the write calls back", async () => {
    const input = sample(3 * 1024 * 1024);

    const compressed = await throughReusedBuffer(
      new BlockGzip({ level: 1, blockSize: 200_000, threads }),
      input,
    );

    expect(gunzipSync(compressed).equals(Buffer.concat(input))).toBe(true);
  });

  it("stops taking input while its reader is behind, and loses nothing once it reads again", async () => {
    // Noise, so that what waits unread is about as large as the input it came from.
    const input = Array.from({ length: 384 }, () => randomBytes(64 * 1024));
    const gzip = new BlockGzip({ level: 1, blockSize: 256 * 1024, threads });
    let accepted = 0;
    const writing = (async () => {
      for (const chunk of input) {
        await new Promise<void>((resolve, reject) =>
          gzip.write(chunk, (error) => (error ? reject(error) : resolve())),
        );
        accepted += chunk.length;
      }
      gzip.end();
    })();

    // Nobody reads yet: the input it takes must stop at a few blocks, not run on to all 24 MiB.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const acceptedWhileUnread = accepted;
    const compressed = await readAll(gzip);
    await writing;

    expect(acceptedWhileUnread).toBeGreaterThan(0);
    expect(acceptedWhileUnread).toBeLessThan(3 * 1024 * 1024);
    expect(gunzipSync(compressed).equals(Buffer.concat(input))).toBe(true);
  });

  it("turns empty input into a valid empty gzip file", async () => {
    const compressed = await through(new BlockGzip({ level: 6, threads }), []);

    expect(compressed.length).toBeGreaterThan(0);
    expect(gunzipSync(compressed).length).toBe(0);
  });

  it("writes the archive into a descriptor itself and pushes nothing", async () => {
    const input = sample(3 * 1024 * 1024);
    const file = path.join(await tempDir(), "out.gz");
    const fd = openSync(file, "w");
    try {
      const pushed = await through(new BlockGzip({ level: 6, blockSize: 256 * 1024, threads, fd }), input);
      expect(pushed.length).toBe(0);
    } finally {
      closeSync(fd);
    }

    expect(gunzipSync(readFileSync(file)).equals(Buffer.concat(input))).toBe(true);
  });

  it("compresses harder at a higher level", async () => {
    const text = [Buffer.from(readFileSync(__filename, "utf8").repeat(40))];
    const fast = await through(new BlockGzip({ level: 1, threads }), text);
    const best = await through(new BlockGzip({ level: 9, threads }), text);

    expect(gunzipSync(best).equals(text[0] as Buffer)).toBe(true);
    expect(best.length).toBeLessThan(fast.length);
  });

  it("stops its worker threads when destroyed midway", async () => {
    const gzip = new BlockGzip({ level: 1, blockSize: 64 * 1024, threads });
    gzip.on("error", () => undefined);
    gzip.write(randomBytes(300_000));
    const closed = new Promise((resolve) => gzip.once("close", resolve));
    gzip.destroy(new Error("the backup was aborted"));

    await closed;
    expect(gzip.errored?.message).toBe("the backup was aborted");
  });
});

describe("GzipBlockCompressor", () => {
  it("is what gzip-blocks.c compiles to (vendor/libdeflate, npm run build:wasm)", async () => {
    expect(await isEmbeddedCurrent(gzipBlocks), "run npm run build:wasm").toBe(true);
  });

  it("refuses a level libdeflate does not have, naming it", () => {
    expect(() => new GzipBlockCompressor(13, 1024)).toThrow(/cannot set up level 13/);
  });

  it("refuses a block longer than it was set up for", () => {
    const compressor = new GzipBlockCompressor(6, 1024);
    expect(() => compressor.compress(1025)).toThrow(/block of 1025 bytes did not compress/);
  });
});

describe("selectCompressor", () => {
  it("uses built-in gzip at level 6 by default", async () => {
    const { compressor, fallback } = await selectCompressor({ name: "gzip" });

    expect(compressor).toMatchObject({ name: "gzip", format: "gzip", level: 6 });
    expect(fallback).toBeUndefined();
  });

  it.each(["pigz", "zstd"] as const)(
    "uses %s when it is installed, and its output reads back",
    async (name) => {
      const { compressor, fallback } = await selectCompressor({ name, level: 3 });
      expect(fallback).toBeUndefined();
      expect(compressor.name).toBe(name);
      const input = sample(1024 * 1024);

      const compressed = await through(compressor.createStream(), input);
      const restored = await through(await createDecompressStream(compressor.format), [compressed]);

      expect(restored.equals(Buffer.concat(input))).toBe(true);
    },
  );

  it("falls back to built-in gzip when pigz is missing and says how to fix it", async () => {
    const { compressor, fallback } = await selectCompressor(
      { name: "pigz", level: 9 },
      { pigz: "opsdeck-test-no-such-pigz" },
    );

    expect(compressor).toMatchObject({ name: "gzip", format: "gzip", level: 9 });
    expect(fallback).toMatch(
      /pigz is not installed .*using built-in gzip -9.*Install the Debian\/Ubuntu package "pigz"/,
    );
  });

  it("falls back from zstd to gzip at gzip's default level and warns about the extension", async () => {
    const { compressor, fallback } = await selectCompressor(
      { name: "zstd", level: 19 },
      { zstd: "opsdeck-test-no-such-zstd" },
    );

    expect(compressor).toMatchObject({ name: "gzip", level: 6 });
    expect(fallback).toContain(".tar.gz instead of .tar.zst");
  });

  it("rejects a level the compressor does not have", async () => {
    await expect(selectCompressor({ name: "gzip", level: 0 })).rejects.toThrow(
      /compressor.level: expected 1-9/,
    );
  });

  it("explains that reading a zstd archive needs zstd", async () => {
    await expect(createDecompressStream("zstd", { zstd: "opsdeck-test-no-such-zstd" })).rejects.toThrow(
      /zstd-compressed .*install the Debian\/Ubuntu package "zstd"/,
    );
  });
});

describe("ProcessFilter", () => {
  it("fails instead of ending when the program exits non-zero after partial output", async () => {
    const filter = new ProcessFilter("sh", ["-c", "head -c 100; echo 'disk on fire' >&2; exit 3"]);

    const failure = through(filter, [randomBytes(4 * 1024 * 1024)]);

    await expect(failure).rejects.toThrow(CompressorError);
    await expect(failure).rejects.toThrow(/sh exited with status 3: disk on fire/);
  });

  it("fails when the decompressor rejects corrupt input", async () => {
    const garbage = randomBytes(64 * 1024);

    await expect(through(await createDecompressStream("zstd"), [garbage])).rejects.toThrow(
      /zstd exited with status/,
    );
  });

  it("reports a program that does not exist", async () => {
    await expect(
      through(new ProcessFilter("opsdeck-test-no-such-program", []), [Buffer.from("x")]),
    ).rejects.toThrow(/cannot run opsdeck-test-no-such-program: it is not installed/);
  });

  it("passes large streams through with back-pressure", async () => {
    const input = sample(8 * 1024 * 1024);

    const output = await through(new ProcessFilter("cat", []), input);

    expect(output.equals(Buffer.concat(input))).toBe(true);
  });

  it("calls a write back only once the program's pipe has taken the bytes", async () => {
    // Chunks below the pipe's high-water mark: write() accepts those before the kernel has them.
    const all = Buffer.concat(sample(4 * 1024 * 1024));
    const input: Buffer[] = [];
    for (let i = 0; i < all.length; i += 4000) input.push(all.subarray(i, i + 4000));

    const output = await throughReusedBuffer(new ProcessFilter("cat", []), input);

    expect(output.equals(Buffer.concat(input))).toBe(true);
  });

  it("lets the program write into a descriptor itself: nothing comes out, the end follows its exit", async () => {
    const file = path.join(await tempDir(), "out.zst");
    const input = sample(2 * 1024 * 1024);
    const fd = openSync(file, "wx+");
    try {
      const output = await through(new ProcessFilter("zstd", ["-c", "-q", "-3"], { stdoutFd: fd }), input);

      expect(output.length).toBe(0);
    } finally {
      closeSync(fd);
    }
    const restored = await through(new ProcessFilter("zstd", ["-d", "-c", "-q"]), [readFileSync(file)]);
    expect(restored.equals(Buffer.concat(input))).toBe(true);
  });

  it("fails, not ends, when a program writing into a descriptor exits non-zero", async () => {
    const fd = openSync("/dev/null", "w");
    try {
      await expect(
        through(
          new ProcessFilter("sh", ["-c", "cat; echo 'zstd: write error' >&2; exit 1"], { stdoutFd: fd }),
          [Buffer.from("x")],
        ),
      ).rejects.toThrow(/sh exited with status 1: zstd: write error/);
    } finally {
      closeSync(fd);
    }
  });

  it("works as a plain stream for a consumer that reads all at once", async () => {
    const filter = new ProcessFilter("cat", []);
    filter.end(Buffer.from("hello"));

    expect((await readAll(filter)).toString()).toBe("hello");
  });
});
