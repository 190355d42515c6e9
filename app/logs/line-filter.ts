/** Which lines an analysis keeps; structured-clone friendly so worker threads get the same filter. */
export interface LineFilterSpec {
  /** Level codes to keep; null keeps every level. */
  levels: number[] | null;
  /** Substring (case-sensitive, matched on raw bytes) or regular expression the line must contain. */
  pattern: string | RegExp | null;
  /** Keep lines at or after this time (epoch ms); NaN for no bound. */
  since: number;
  /** Keep lines before this time (epoch ms); NaN for no bound. */
  until: number;
}

export const NO_FILTER: LineFilterSpec = {
  levels: null,
  pattern: null,
  since: Number.NaN,
  until: Number.NaN,
};

/**
 * A filter compiled for the scan loop. Substring patterns use one Buffer.indexOf per match
 * rather than per line: the next occurrence found in a chunk is remembered and reused by the
 * lines before it, so a rare pattern costs one pass over the chunk, not one search per line.
 */
export class LineFilter {
  private readonly levelMask: Uint8Array | null;
  private readonly needle: Buffer | null;
  private readonly regex: RegExp | null;
  /** Read by the scan loop directly: passing a timestamp to a method would box it. */
  readonly hasTimeBound: boolean;
  readonly since: number;
  readonly until: number;
  private cachedBuf: Uint8Array | null = null;
  private cachedHit = -1;

  constructor(spec: LineFilterSpec) {
    this.levelMask = null;
    if (spec.levels) {
      const mask = new Uint8Array(16);
      for (const level of spec.levels) mask[level] = 1;
      this.levelMask = mask;
    }
    this.needle = typeof spec.pattern === "string" && spec.pattern !== "" ? Buffer.from(spec.pattern) : null;
    // A global or sticky regex would carry lastIndex from line to line.
    this.regex =
      spec.pattern instanceof RegExp
        ? new RegExp(spec.pattern.source, spec.pattern.flags.replace(/[gy]/g, ""))
        : null;
    this.since = Number.isNaN(spec.since) ? Number.NEGATIVE_INFINITY : spec.since;
    this.until = Number.isNaN(spec.until) ? Number.POSITIVE_INFINITY : spec.until;
    this.hasTimeBound = !Number.isNaN(spec.since) || !Number.isNaN(spec.until);
  }

  /** No level, time or pattern bound: every parsed line is kept. */
  get keepsEveryLine(): boolean {
    return this.levelMask === null && !this.hasTimeBound && !this.hasPattern;
  }

  /** Call when the bytes of a buffer change (a new chunk read into a reused buffer). */
  newChunk(): void {
    this.cachedBuf = null;
  }

  keepsLevel(level: number): boolean {
    return this.levelMask === null || this.levelMask[level] === 1;
  }

  get hasPattern(): boolean {
    return this.needle !== null || this.regex !== null;
  }

  matchesPattern(buf: Uint8Array, start: number, end: number): boolean {
    const needle = this.needle;
    if (needle) {
      if (buf !== this.cachedBuf || (this.cachedHit >= 0 && this.cachedHit < start)) {
        this.cachedBuf = buf;
        this.cachedHit = Buffer.prototype.indexOf.call(buf, needle, start) as number;
      }
      const hit = this.cachedHit;
      if (hit < 0) return false;
      // A hit past this line serves the lines after it; one that runs over the line end cannot
      // be followed by one inside the line, since any later one starts later still.
      return hit + needle.length <= end;
    }
    if (this.regex) {
      return this.regex.test(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("utf8"));
    }
    return true;
  }
}
