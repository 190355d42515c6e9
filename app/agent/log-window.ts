import { LEVELS, type LevelCounts, LiveLogAnalysis, type LogFormat } from "../logs";

/** How many slots a window is cut into: the window slides in steps of a twelfth (5 min of 60). */
export const WINDOW_SLOTS = 12;

/** Bounds per slot and file: the agent keeps counts, not a full analysis. */
const SLOT_LIMITS = { ipExactLimit: 64, errorTypeLimit: 200, messageLimit: 64, maxDays: 2 };

export interface FileWindowCounts {
  path: string;
  format: LogFormat;
  lines: number;
  unparsed: number;
  levels: LevelCounts;
  errors: number;
  warnings: number;
}

export interface WindowCounts {
  /** Start of the oldest slot still in the window (or the first line, if later). */
  since: string;
  until: string;
  lines: number;
  levels: LevelCounts;
  /** error + fatal lines (5xx responses in access logs). */
  errors: number;
  warnings: number;
  /** Error lines by type, most frequent first; approximate once a slot sees more than 200 types. */
  errorTypes: { type: string; count: number }[];
  files: FileWindowCounts[];
}

interface Slot {
  index: number;
  /** By path and format: a file re-detected in another format after a restart keeps both counts. */
  files: Map<string, { path: string; format: LogFormat; analysis: LiveLogAnalysis }>;
}

function zeroLevels(): LevelCounts {
  return Object.fromEntries(LEVELS.map((level) => [level, 0])) as LevelCounts;
}

/**
 * Counts log lines by level and error type over the last `windowMs`, by arrival time (lines without a
 * timestamp count too). Lines go into the slot of the moment they arrive; a slot older than the window
 * is dropped whole, so memory stays bounded by slots × files whatever the line rate.
 */
export class RollingLogWindow {
  private readonly slotMs: number;
  private readonly slots: Slot[] = [];
  private readonly startedAt: number;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.slotMs = Math.max(1, Math.floor(windowMs / WINDOW_SLOTS));
    this.startedAt = now().getTime();
  }

  push(path: string, format: LogFormat, line: string): void {
    const slot = this.currentSlot();
    const key = `${format}:${path}`;
    let entry = slot.files.get(key);
    if (!entry) {
      // `top` as large as the types tracked: merging slots needs every tracked type, not a top few.
      const analysis = new LiveLogAnalysis({ format, top: SLOT_LIMITS.errorTypeLimit, limits: SLOT_LIMITS });
      entry = { path, format, analysis };
      slot.files.set(key, entry);
    }
    entry.analysis.push(line);
  }

  /** The counts over the window ending now; `top` limits the error types listed. */
  counts(top: number): WindowCounts {
    const nowMs = this.now().getTime();
    this.expire(nowMs);
    const levels = zeroLevels();
    const types = new Map<string, number>();
    const files = new Map<string, FileWindowCounts>();
    let lines = 0;
    for (const slot of this.slots) {
      for (const { path, format, analysis } of slot.files.values()) {
        const summary = analysis.summary();
        const file = files.get(path) ?? {
          path,
          format,
          lines: 0,
          unparsed: 0,
          levels: zeroLevels(),
          errors: 0,
          warnings: 0,
        };
        file.format = format;
        file.lines += summary.lines.lines - summary.lines.empty;
        file.unparsed += summary.lines.unparsed;
        for (const level of LEVELS) {
          file.levels[level] += summary.levels[level];
          levels[level] += summary.levels[level];
        }
        file.errors += summary.errors;
        file.warnings += summary.levels.warn;
        files.set(path, file);
        lines += summary.lines.lines - summary.lines.empty;
        for (const item of summary.errorTypes.top) {
          types.set(item.type, (types.get(item.type) ?? 0) + item.count);
        }
      }
    }
    // Lines are kept whole slots at a time: the counts cover the slots not yet expired.
    const since = Math.max(this.startedAt, this.firstKeptSlot(nowMs) * this.slotMs);
    return {
      since: new Date(since).toISOString(),
      until: new Date(nowMs).toISOString(),
      lines,
      levels,
      errors: levels.error + levels.fatal,
      warnings: levels.warn,
      errorTypes: [...types]
        .map(([type, count]) => ({ type, count }))
        .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type))
        .slice(0, top),
      files: [...files.values()].sort((a, b) => a.path.localeCompare(b.path)),
    };
  }

  private currentSlot(): Slot {
    const nowMs = this.now().getTime();
    const index = Math.floor(nowMs / this.slotMs);
    const last = this.slots[this.slots.length - 1];
    if (last && last.index === index) return last;
    this.expire(nowMs);
    const slot: Slot = { index, files: new Map() };
    this.slots.push(slot);
    return slot;
  }

  private firstKeptSlot(nowMs: number): number {
    return Math.floor((nowMs - this.windowMs) / this.slotMs) + 1;
  }

  /** Drops slots that ended before the window began. */
  private expire(nowMs: number): void {
    const firstKept = this.firstKeptSlot(nowMs);
    while (this.slots.length > 0 && (this.slots[0] as Slot).index < firstKept) this.slots.shift();
  }
}
