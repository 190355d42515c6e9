/** A line as emitted by follow mode. */
export interface TextLine {
  text: string;
  /** The line was longer than the limit; `text` holds its beginning. */
  truncated: boolean;
}

/**
 * Splits a byte stream into UTF-8 text lines (LF or CRLF), holding at most `maxLineBytes` of a
 * partial line between chunks; the rest of a longer line is dropped and the line flagged.
 */
export class LineSplitter {
  private carry: Buffer;
  private carryLength = 0;
  private carryTruncated = false;

  constructor(private readonly maxLineBytes = 65_536) {
    this.carry = Buffer.allocUnsafe(Math.min(maxLineBytes, 4096));
  }

  /** Bytes of a partial line held (counting none beyond the limit). */
  get pending(): number {
    return this.carryLength;
  }

  get hasPending(): boolean {
    return this.carryLength > 0 || this.carryTruncated;
  }

  push(chunk: Buffer, out: TextLine[]): void {
    let pos = 0;
    for (;;) {
      const newline = chunk.indexOf(10, pos);
      if (newline < 0) break;
      if (this.hasPending) {
        this.append(chunk, pos, newline);
        out.push(this.takeCarry());
      } else {
        out.push(this.lineOf(chunk, pos, newline, false));
      }
      pos = newline + 1;
    }
    if (pos < chunk.length) this.append(chunk, pos, chunk.length);
  }

  /** The partial line, as a line (at the end of a file that will not grow again). */
  flush(out: TextLine[]): void {
    if (this.hasPending) out.push(this.takeCarry());
  }

  /** Forgets the partial line. */
  reset(): void {
    this.carryLength = 0;
    this.carryTruncated = false;
  }

  private append(chunk: Buffer, start: number, end: number): void {
    const room = this.maxLineBytes - this.carryLength;
    const take = Math.min(room, end - start);
    if (take > 0) {
      if (this.carryLength + take > this.carry.length) {
        const grown = Buffer.allocUnsafe(
          Math.min(this.maxLineBytes, Math.max(this.carry.length * 2, this.carryLength + take)),
        );
        this.carry.copy(grown, 0, 0, this.carryLength);
        this.carry = grown;
      }
      chunk.copy(this.carry, this.carryLength, start, start + take);
      this.carryLength += take;
    }
    if (end - start > take) this.carryTruncated = true;
  }

  private takeCarry(): TextLine {
    const line = this.lineOf(this.carry, 0, this.carryLength, this.carryTruncated);
    this.reset();
    return line;
  }

  private lineOf(buf: Buffer, start: number, end: number, truncated: boolean): TextLine {
    if (end - start > this.maxLineBytes) {
      end = start + this.maxLineBytes;
      truncated = true;
    }
    if (end > start && buf[end - 1] === 13) end--;
    return { text: buf.toString("utf8", start, end), truncated };
  }
}
