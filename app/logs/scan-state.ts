import { DistinctCounter, type DistinctCounterSnapshot } from "./distinct-counter";
import { FrequentItems, type FrequentItemsSnapshot } from "./frequent-items";
import { LEVELS } from "./levels";
import { TimeBuckets, type TimeBucketsSnapshot } from "./time-buckets";

/** How much each bounded structure may hold; see docs/logs.md for what happens past the limits. */
export interface StateLimits {
  /** Distinct client IPs counted exactly before switching to HyperLogLog + heavy hitters. */
  ipExactLimit: number;
  /** Distinct error types tracked. */
  errorTypeLimit: number;
  /** Distinct message groups tracked. */
  messageLimit: number;
  /** Days of per-minute counts kept for the histogram and incidents. */
  maxDays: number;
}

/** Line counts of a scan; every line lands in exactly one of empty, unparsed, parsed or continuation. */
export interface LineCounters {
  lines: number;
  bytes: number;
  empty: number;
  parsed: number;
  unparsed: number;
  /** Lines that continue the entry before them (stack-trace lines), counted with it, not as entries. */
  continuation: number;
  /** Parsed lines that passed the filters (everything below counts only these). */
  matched: number;
  filteredOut: number;
  /** Unparsed lines holding NUL or other control bytes (binary garbage). */
  binary: number;
  /** Lines longer than the line limit; only their first part was read. */
  oversized: number;
  crlf: number;
  /** Matched lines without a usable timestamp. */
  missingTimestamp: number;
}

/** What is counted per file: kept apart from the summaries so many files cost no more memory. */
export interface FileTally {
  counters: LineCounters;
  /** Matched lines per level code. */
  levels: Float64Array;
}

export function emptyTally(): FileTally {
  return { counters: emptyCounters(), levels: new Float64Array(LEVELS.length) };
}

export function addTally(into: FileTally, from: FileTally): void {
  for (const key of Object.keys(into.counters) as (keyof LineCounters)[])
    into.counters[key] += from.counters[key];
  for (let i = 0; i < into.levels.length; i++)
    into.levels[i] = (into.levels[i] as number) + (from.levels[i] as number);
}

export interface ScanStateSnapshot {
  firstTs: number;
  lastTs: number;
  errorTypes: FrequentItemsSnapshot<string>;
  ips: DistinctCounterSnapshot;
  messages: FrequentItemsSnapshot<number>;
  time: TimeBucketsSnapshot;
  limits: StateLimits;
}

export function emptyCounters(): LineCounters {
  return {
    lines: 0,
    bytes: 0,
    empty: 0,
    parsed: 0,
    unparsed: 0,
    continuation: 0,
    matched: 0,
    filteredOut: 0,
    binary: 0,
    oversized: 0,
    crlf: 0,
    missingTimestamp: 0,
  };
}

/**
 * The bounded summaries a scan accumulates over all its files: time range, error types, client
 * IPs, message groups, per-minute counts. Mergeable, so ranges scanned on different threads
 * combine into one result; snapshots are structured-clone friendly for postMessage.
 */
export class ScanState {
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  readonly errorTypes: FrequentItems<string>;
  readonly ips: DistinctCounter;
  readonly messages: FrequentItems<number>;
  readonly time: TimeBuckets;

  constructor(readonly limits: StateLimits) {
    this.errorTypes = new FrequentItems<string>(limits.errorTypeLimit);
    this.ips = new DistinctCounter(limits.ipExactLimit);
    this.messages = new FrequentItems<number>(limits.messageLimit);
    this.time = new TimeBuckets(limits.maxDays);
  }

  merge(other: ScanState): void {
    this.mergeSnapshot(other.snapshot());
  }

  /** Adds another thread's summaries to these. */
  mergeSnapshot(other: ScanStateSnapshot): void {
    if (!(this.firstTs <= other.firstTs) && !Number.isNaN(other.firstTs)) this.firstTs = other.firstTs;
    if (!(this.lastTs >= other.lastTs) && !Number.isNaN(other.lastTs)) this.lastTs = other.lastTs;
    this.errorTypes.mergeSnapshot(other.errorTypes);
    this.ips.mergeSnapshot(other.ips);
    this.messages.mergeSnapshot(other.messages);
    this.time.mergeSnapshot(other.time);
  }

  snapshot(): ScanStateSnapshot {
    return {
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      errorTypes: this.errorTypes.snapshot(),
      ips: this.ips.snapshot(),
      messages: this.messages.snapshot(),
      time: this.time.snapshot(),
      limits: this.limits,
    };
  }

  static fromSnapshot(snapshot: ScanStateSnapshot): ScanState {
    const state = new ScanState(snapshot.limits);
    state.mergeSnapshot(snapshot);
    return state;
  }
}
