import { writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Transform, type TransformCallback } from "node:stream";
import { setImmediate as turn } from "node:timers/promises";
import { GzipBlockCompressor, GzipBlockWorker } from "./gzip-blocks";

export interface BlockGzipOptions {
  /** 1-9, as gzip's. */
  level: number;
  /** Threads that compress, this one included. */
  threads?: number;
  /** Input bytes per gzip member. */
  blockSize?: number;
  /**
   * Writes the archive into this descriptor (a local store's file) itself instead of pushing it:
   * the readable side then carries nothing, and the output costs no Buffers at all.
   */
  fd?: number;
}

const DEFAULT_GZIP_BLOCK_SIZE = 1024 * 1024;

/**
 * Each thread beyond this one is a worker of ~12 MiB; beyond four the tar side (one thread) cannot
 * keep them busy anyway. `compressor.threads` sets another number, 1 for the least memory.
 */
export function defaultGzipThreads(): number {
  return Math.min(4, availableParallelism());
}

/** A block's destination: this thread's compressor or a worker's. */
type Lane = { input: Uint8Array; worker?: GzipBlockWorker };

/**
 * gzip on several threads with libdeflate in WebAssembly (gzip-blocks.ts). The input is cut into
 * blocks, each compressed into its own gzip member: blocks go round-robin to the worker threads
 * and then to this thread, which compresses its own while the workers do theirs and then writes
 * the round's members in order. Input is copied straight into the compressors' blocks, and
 * members are written from their memory, so memory stays at a few fixed blocks per thread.
 *
 * Concatenated members are a valid gzip file (RFC 1952 §2.2): gzip -d, tar xzf, zcat and Node's
 * gunzip read them as one stream. Blocks share no dictionary, which costs ~0.2% at 1 MiB. A
 * written chunk is copied before its callback fires, so the writer may reuse it.
 */
export class BlockGzip extends Transform {
  private readonly here: GzipBlockCompressor;
  private readonly lanes: Lane[];
  private readonly fd: number | undefined;
  /** The lane the block being filled belongs to (so also the workers started this round), and how full it is. */
  private lane = 0;
  private filled = 0;
  private members = 0;

  constructor(options: BlockGzipOptions) {
    super();
    const blockSize = options.blockSize ?? DEFAULT_GZIP_BLOCK_SIZE;
    const threads = Math.max(1, options.threads ?? defaultGzipThreads());
    this.here = new GzipBlockCompressor(options.level, blockSize);
    this.lanes = [];
    for (let i = 1; i < threads; i++) {
      const worker = new GzipBlockWorker(options.level, blockSize, this.here.outputCapacity);
      this.lanes.push({ input: worker.input, worker });
    }
    this.lanes.push({ input: this.here.input });
    this.fd = options.fd;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.copyIn(chunk).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    const finish = async () => {
      // An empty input still has to become a valid (empty) gzip file.
      if (this.filled > 0 || this.members === 0) await this.dispatch();
      await this.writeStarted();
      await this.closeWorkers();
    };
    finish().then(() => done(), done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.closeWorkers().then(
      () => done(error),
      () => done(error),
    );
  }

  private async copyIn(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const { input } = this.lanes[this.lane] as Lane;
      const n = Math.min(input.length - this.filled, chunk.length - offset);
      input.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === input.length) await this.dispatch();
    }
  }

  /** Sends the filled block off; on this thread's lane, compresses it and ends the round. */
  private async dispatch(): Promise<void> {
    const { worker } = this.lanes[this.lane] as Lane;
    const length = this.filled;
    this.filled = 0;
    this.members++;
    if (worker) {
      worker.start(length);
      this.lane++;
      return;
    }
    const member = this.here.compress(length);
    await this.writeStarted();
    this.writeMember(member);
    // Compressing here is synchronous: let timers and I/O in, once a round.
    await turn();
  }

  /** Writes the members of the workers started this round, in order, and begins the next round. */
  private async writeStarted(): Promise<void> {
    const started = this.lane;
    this.lane = 0;
    for (let i = 0; i < started; i++) {
      this.writeMember(await ((this.lanes[i] as Lane).worker as GzipBlockWorker).result());
    }
  }

  /** Into the descriptor, or pushed as a copy (the member is a view of memory the next block reuses). */
  private writeMember(member: Uint8Array): void {
    if (this.fd === undefined) {
      this.push(Buffer.copyBytesFrom(member));
      return;
    }
    for (let written = 0; written < member.length; ) {
      written += writeSync(this.fd, member, written, member.length - written);
    }
  }

  private async closeWorkers(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.worker?.close()));
  }
}
