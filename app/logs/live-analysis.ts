import { type LogAnalysis, summarize } from "./analysis-result";
import type { LogFormat } from "./formats";
import { PARSERS } from "./formats";
import type { IncidentRule } from "./incidents";
import { LineFilter, NO_FILTER } from "./line-filter";
import { DEFAULT_SCANNER_LIMITS, LineScanner } from "./line-scanner";
import { emptyTally, type FileTally, ScanState, type StateLimits } from "./scan-state";
import { yearContext } from "./timestamps";

export interface LiveAnalysisOptions {
  format: LogFormat;
  top?: number;
  histogram?: "minute" | "hour" | "auto";
  incidents?: IncidentRule;
  assumeUtcOffsetMinutes?: number;
  limits?: Partial<StateLimits>;
  /** Reference time for syslog lines without a year (default: now at construction). */
  referenceMs?: number;
}

const DEFAULT_LIMITS: StateLimits = {
  ipExactLimit: 50_000,
  errorTypeLimit: 1_000,
  messageLimit: 5_000,
  maxDays: 400,
};

/**
 * Incremental analysis of lines as they arrive (the agent feeds it from `followLog`): the same
 * parsers and bounded summaries as `analyzeLogs`, one line at a time.
 */
export class LiveLogAnalysis {
  private state: ScanState;
  private tally: FileTally = emptyTally();
  private scanner: LineScanner;

  constructor(private readonly options: LiveAnalysisOptions) {
    this.state = new ScanState({ ...DEFAULT_LIMITS, ...options.limits });
    this.scanner = this.createScanner();
  }

  private createScanner(): LineScanner {
    const offset = this.options.assumeUtcOffsetMinutes ?? 0;
    return new LineScanner(
      PARSERS[this.options.format],
      {
        year: yearContext(this.options.referenceMs ?? Date.now(), offset),
        assumeOffsetMinutes: offset,
        cursor: { end: 0, ts: Number.NaN },
      },
      new LineFilter(NO_FILTER),
      this.state,
      this.tally,
      DEFAULT_SCANNER_LIMITS,
    );
  }

  push(line: string): void {
    const bytes = Buffer.from(line);
    this.tally.counters.bytes += bytes.length + 1;
    this.scanner.line(bytes, 0, bytes.length, false);
  }

  summary(): Omit<LogAnalysis, "files" | "durationMs"> {
    this.scanner.settle();
    return summarize(this.state, this.tally, {
      top: this.options.top ?? 10,
      histogram: this.options.histogram ?? "auto",
      incidents: this.options.incidents ?? { errorsPerMinute: 10, mergeGapMinutes: 1 },
    });
  }

  /** Starts a new window (e.g. after each heartbeat). */
  reset(): void {
    this.state = new ScanState(this.state.limits);
    this.tally = emptyTally();
    this.scanner = this.createScanner();
  }
}
