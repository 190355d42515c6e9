import type { Writable } from "node:stream";
import { ChunkPool } from "./chunk-pool";

/** Size of the chunks the tar stream is written in: few stream operations, little memory. */
export const TAR_CHUNK_BYTES = 256 * 1024;
/** Chunks being filled or written at once; the whole tar side of a backup holds this many. */
export const TAR_CHUNKS = 4;

function noop(): void {}

/**
 * Lays the tar stream out in pooled chunks and writes each full one to `sink` in order.
 *
 * The contract with the sink: a chunk is reused as soon as the sink's write callback has fired, so
 * the sink must be done with the bytes by then (copy them, or call back only once they are written).
 */
export class TarChunks {
  private readonly pool = new ChunkPool(TAR_CHUNKS, TAR_CHUNK_BYTES);
  private chunk: Buffer | undefined;
  private used = 0;
  private emitted: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** Tar bytes the sink has accepted. */
  bytes = 0;

  /** Rejects if the sink closes first: a destroyed stream may never call back a write it held. */
  private readonly closed: Promise<never>;

  constructor(
    private readonly sink: Writable,
    private readonly onBytes?: (total: number) => void,
  ) {
    this.closed = new Promise<never>((_resolve, reject) => {
      sink.once("close", () =>
        reject(sink.errored ?? new Error("the compressor stopped before the archive ended")),
      );
    });
    this.closed.catch(noop);
  }

  /**
   * Whether the current chunk has `bytes` free now. Writers check this first and fill `current` at
   * `offset` without awaiting anything: most headers and small files fit, and an await per write
   * was a third of what a backup allocated. Only when it is false do they wait in room().
   */
  hasRoom(bytes: number): boolean {
    return this.failure === undefined && this.chunk !== undefined && TAR_CHUNK_BYTES - this.used >= bytes;
  }

  /** The chunk being filled; only valid after hasRoom() was true or room() resolved. */
  get current(): Buffer {
    return this.chunk as Buffer;
  }

  get offset(): number {
    return this.used;
  }

  /** Waits until `current` has at least `bytes` free at `offset`; `bytes` must not exceed TAR_CHUNK_BYTES. */
  async room(bytes: number): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.chunk && TAR_CHUNK_BYTES - this.used < bytes) this.flush();
    if (!this.chunk) {
      this.chunk = await this.pool.take();
      this.used = 0;
    }
  }

  /** Marks `bytes` at the current offset as filled. */
  advance(bytes: number): void {
    this.used += bytes;
    if (this.used === TAR_CHUNK_BYTES) this.flush();
  }

  /** Zero bytes (body padding, the end-of-archive blocks), across chunks if need be. */
  zeros(bytes: number): Promise<void> | undefined {
    if (this.hasRoom(bytes)) {
      this.current.fill(0, this.used, this.used + bytes);
      this.advance(bytes);
      return undefined;
    }
    return this.zerosAcrossChunks(bytes);
  }

  private async zerosAcrossChunks(bytes: number): Promise<void> {
    let left = bytes;
    while (left > 0) {
      await this.room(1);
      const n = Math.min(left, TAR_CHUNK_BYTES - this.used);
      this.current.fill(0, this.used, this.used + n);
      this.advance(n);
      left -= n;
    }
  }

  /** Writes what is left and waits until the sink has accepted everything. */
  async finish(): Promise<number> {
    if (this.chunk && this.used > 0) this.flush();
    await this.emitted;
    if (this.failure !== undefined) throw this.failure;
    return this.bytes;
  }

  private flush(): void {
    const chunk = this.chunk as Buffer;
    const used = this.used;
    this.chunk = undefined;
    this.used = 0;
    this.emitted = this.emitted.then(async () => {
      await Promise.race([
        new Promise<void>((resolve, reject) =>
          this.sink.write(chunk.subarray(0, used), (error) => (error ? reject(error) : resolve())),
        ),
        this.closed,
      ]);
      this.bytes += used;
      this.onBytes?.(this.bytes);
      this.pool.give(chunk);
    });
    this.emitted.catch((error: unknown) => {
      this.failure ??= error;
      this.pool.abort(error);
    });
  }
}
