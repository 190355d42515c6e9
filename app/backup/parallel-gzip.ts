import { availableParallelism } from "node:os";
import { Transform, type TransformCallback } from "node:stream";
import { createGzip } from "node:zlib";

/**
 * One block as one gzip member, as the pieces zlib produced: zlib.gzip() would concatenate them
 * into one more copy of the output, garbage outside V8's heap on every block.
 */
function gzipBlock(block: Buffer, level: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    const stream = createGzip({ level, chunkSize: 64 * 1024 });
    stream.on("data", (piece: Buffer) => pieces.push(piece));
    stream.on("end", () => resolve(pieces));
    stream.on("error", reject);
    stream.end(block);
  });
}

export interface ParallelGzipOptions {
  /** zlib level 1-9. */
  level: number;
  /** Blocks compressed at once; defaults to CPUs + 1 so the main thread can fill the next block meanwhile. */
  concurrency?: number;
  /** Input bytes per gzip member. */
  blockSize?: number;
}

export const DEFAULT_GZIP_BLOCK_SIZE = 1024 * 1024;

export function defaultGzipConcurrency(): number {
  return Math.min(16, availableParallelism() + 1);
}

interface Job {
  block: Buffer;
  output: Promise<Buffer[]>;
}

/**
 * gzip on several cores with node:zlib alone. The input is copied into blocks that are compressed
 * concurrently on libuv's thread pool and written out in order, each as its own gzip member.
 *
 * Concatenated members are a valid gzip file (RFC 1952 §2.2): gzip -d, tar xzf, zcat and Node's
 * gunzip read them as one stream. Blocks do not share a dictionary, which costs ~0.2% in size at
 * 1 MiB blocks. The input blocks are allocated once and reused, so memory is concurrency ×
 * blockSize plus the compressed blocks not yet read; fresh blocks per megabyte piled up as garbage
 * outside V8's heap. A written chunk is copied before its callback fires, so the writer may reuse
 * it. Thread-pool size (UV_THREADPOOL_SIZE, default 4) caps the real parallelism.
 */
export class ParallelGzip extends Transform {
  private readonly level: number;
  private readonly concurrency: number;
  private readonly blockSize: number;
  private readonly spare: Buffer[] = [];
  private allocated = 0;
  private block: Buffer | undefined;
  private filled = 0;
  private readonly inFlight: Job[] = [];
  private blocks = 0;

  constructor(options: ParallelGzipOptions) {
    super();
    this.level = options.level;
    this.concurrency = Math.max(1, options.concurrency ?? defaultGzipConcurrency());
    this.blockSize = options.blockSize ?? DEFAULT_GZIP_BLOCK_SIZE;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.copyIn(chunk).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    const drain = async () => {
      // An empty input still has to become a valid (empty) gzip file.
      if (this.filled > 0 || this.blocks === 0) this.start(this.block ?? Buffer.alloc(0));
      while (this.inFlight.length > 0) await this.finishOldest();
    };
    drain().then(() => done(), done);
  }

  /** Copies the chunk into blocks, starting each block's compression as soon as it is full. */
  private async copyIn(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      this.block ??= await this.freeBlock();
      const n = chunk.copy(this.block, this.filled, offset);
      this.filled += n;
      offset += n;
      if (this.filled === this.blockSize) this.start(this.block);
    }
  }

  /** A block to fill: a spare one, a new one while fewer than `concurrency` exist, or the oldest once done. */
  private async freeBlock(): Promise<Buffer> {
    const spare = this.spare.pop();
    if (spare) return spare;
    if (this.allocated < this.concurrency) {
      this.allocated++;
      return Buffer.allocUnsafe(this.blockSize);
    }
    await this.finishOldest();
    return this.spare.pop() as Buffer;
  }

  private start(block: Buffer): void {
    const output = gzipBlock(block.subarray(0, this.filled), this.level);
    // Awaited in order later; until then a failure must not count as an unhandled rejection.
    output.catch(() => undefined);
    this.inFlight.push({ block, output });
    this.block = undefined;
    this.filled = 0;
    this.blocks++;
  }

  private async finishOldest(): Promise<void> {
    const job = this.inFlight.shift();
    if (!job) return;
    for (const piece of await job.output) this.push(piece);
    if (job.block.length === this.blockSize) this.spare.push(job.block);
  }
}
