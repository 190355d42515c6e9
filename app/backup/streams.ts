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
