/**
 * A fixed set of equal-sized buffers handed out and given back. Reusing them keeps the bytes a
 * backup holds constant: Buffers allocated per read live outside V8's heap, are freed only when a
 * full garbage collection runs, and piled up to ~40 MiB between collections on a 1 GiB tree.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: Array<{ resolve(chunk: Buffer): void; reject(error: unknown): void }> = [];
  private created = 0;
  private failure: unknown;

  constructor(
    readonly count: number,
    readonly chunkBytes: number,
  ) {}

  /** A free buffer (contents undefined); waits while all of them are out. */
  take(): Promise<Buffer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const chunk = this.free.pop();
    if (chunk) return Promise.resolve(chunk);
    if (this.created < this.count) {
      this.created++;
      return Promise.resolve(Buffer.allocUnsafe(this.chunkBytes));
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  give(chunk: Buffer): void {
    const next = this.waiting.shift();
    if (next) next.resolve(chunk);
    else this.free.push(chunk);
  }

  /** Fails every current and later take(): the consumer has gone and nothing will be given back. */
  abort(error: unknown): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}
