/**
 * Read buffers kept from one scan task to the next on the same thread. A task needs two
 * (one is scanned while the next chunk is read into the other); without reuse each task's
 * buffers stay resident until a GC happens to collect them, which with a range split into many
 * tasks shows in peak memory.
 */
const spare: Buffer[] = [];

/** At most one task's pair is kept: enough for the tasks a thread runs one after another. */
const MAX_SPARE = 2;

export function takeReadBuffer(size: number): Buffer {
  const kept = spare.at(-1);
  if (kept?.length === size) return spare.pop() as Buffer;
  return Buffer.allocUnsafe(size);
}

/** Returns a buffer no longer read into nor referenced by the caller. */
export function giveBackReadBuffer(buffer: Buffer): void {
  // Only buffers of the latest chunk size are kept.
  if (spare[0] && spare[0].length !== buffer.length) spare.length = 0;
  if (spare.length < MAX_SPARE) spare.push(buffer);
}
