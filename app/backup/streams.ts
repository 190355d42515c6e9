import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

/** Passes bytes through while counting them and computing their SHA-256. */
export class Sha256Counter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash("sha256");
  private hex: string | undefined;

  constructor(private readonly onBytes?: (total: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.onBytes?.(this.bytes);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.hex = this.hash.digest("hex");
    done();
  }

  /** The digest of everything that passed; only known once the input has ended. */
  get sha256(): string | undefined {
    return this.hex;
  }
}

/**
 * Counts bytes and merges small chunks into larger ones. A tar stream is mostly 512-byte headers
 * between file bodies; batching them saves per-chunk overhead in every stage after this one.
 */
export class CoalescingCounter extends Transform {
  bytes = 0;
  private parts: Buffer[] = [];
  private partBytes = 0;

  constructor(
    private readonly minChunk: number,
    private readonly onBytes?: (total: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    if (this.partBytes === 0 && chunk.length >= this.minChunk) {
      done(null, chunk);
      return;
    }
    this.parts.push(chunk);
    this.partBytes += chunk.length;
    if (this.partBytes >= this.minChunk) this.push(this.takeParts());
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.partBytes > 0) this.push(this.takeParts());
    done();
  }

  private takeParts(): Buffer {
    const out = Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    return out;
  }
}
