import { isContinuationLine } from "./continuation";
import { hasMultiLineEntries, LOG_FORMATS, type LogFormat, PARSERS } from "./formats";
import { createParsedLine, type ParseContext, resetParsedLine } from "./parsed-line";

export interface FormatDetection {
  format: LogFormat;
  /** Share of sampled lines the chosen format parsed or read as continuation lines (0–1). */
  confidence: number;
  sampledLines: number;
}

/** Lines looked at to decide a file's format. */
export const DETECTION_SAMPLE_LINES = 200;

/**
 * Picks the format that parses most of a sample of lines, counting unambiguous matches first
 * (a syslog tag, an access-log status, a level word after a timestamp) and any match second;
 * ties go to the more specific format (json, access, apache-error, syslog, generic); the lines
 * continuing a multi-line entry count as matches of any kind. `complete` says the
 * sample is the whole input, so its last line is not cut off.
 */
export function detectFormat(sample: Buffer, context: ParseContext, complete: boolean): FormatDetection {
  const lines: [number, number][] = [];
  let pos = 0;
  while (lines.length < DETECTION_SAMPLE_LINES && pos < sample.length) {
    let end = sample.indexOf(10, pos);
    if (end < 0) {
      if (!complete) break;
      end = sample.length;
    }
    let lineEnd = end;
    if (lineEnd > pos && sample[lineEnd - 1] === 13) lineEnd--;
    if (lineEnd > pos) lines.push([pos, lineEnd]);
    pos = end + 1;
  }
  const parsed = createParsedLine();
  let best: { format: LogFormat; strict: number; loose: number } = { format: "generic", strict: 0, loose: 0 };
  for (const format of LOG_FORMATS) {
    let strict = 0;
    let loose = 0;
    const parse = PARSERS[format];
    const multiLine = hasMultiLineEntries(parse);
    let afterEntry = false;
    for (const [start, end] of lines) {
      resetParsedLine(parsed);
      if (!parse(sample, start, end, context, parsed)) {
        // A stack trace's lines are understood too, as part of the entry before them.
        afterEntry = afterEntry && isContinuationLine(sample, start, end);
        if (afterEntry) loose++;
        continue;
      }
      loose++;
      afterEntry = multiLine;
      if (parsed.strict) strict++;
    }
    if (strict > best.strict || (strict === best.strict && loose > best.loose))
      best = { format, strict, loose };
  }
  return {
    format: best.format,
    confidence: lines.length === 0 ? 0 : best.loose / lines.length,
    sampledLines: lines.length,
  };
}
