import type { LogAnalysis } from "./analysis-result";
import { LEVELS } from "./levels";
import type { RotationResult } from "./rotate";

export type OutputFormat = "table" | "json";

const number = new Intl.NumberFormat("en-US");

function count(value: number): string {
  return number.format(value);
}

function bytes(value: number): string {
  if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(1)} GiB`;
  if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** A plain-text table; numeric columns (`right`) are right-aligned. */
export function renderTable(headers: string[], rows: string[][], right: number[] = []): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        right.includes(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number),
      )
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

function section(title: string, body: string): string {
  return `${title}\n${body}\n`;
}

/** The analysis for people: one short table per result. */
export function renderAnalysisTable(analysis: LogAnalysis): string {
  const out: string[] = [];
  out.push(
    section(
      "FILES",
      renderTable(
        ["file", "format", "size", "lines", "matched", "errors", "status"],
        analysis.files.map((file) => [
          file.path,
          file.detection ? `${file.format} (${Math.round(file.detection.confidence * 100)}%)` : file.format,
          bytes(file.sizeBytes),
          count(file.lines.lines),
          count(file.lines.matched),
          count(file.levels.error + file.levels.fatal),
          file.error ? `incomplete: ${file.error}` : "ok",
        ]),
        [2, 3, 4, 5],
      ),
    ),
  );
  const lines = analysis.lines;
  out.push(
    section(
      "LINES",
      renderTable(
        [
          "total",
          "matched",
          "filtered out",
          "empty",
          "unparsed",
          "continued",
          "binary",
          "oversized",
          "CRLF",
          "no timestamp",
        ],
        [
          [
            lines.lines,
            lines.matched,
            lines.filteredOut,
            lines.empty,
            lines.unparsed,
            lines.continuation,
            lines.binary,
            lines.oversized,
            lines.crlf,
            lines.missingTimestamp,
          ].map(count),
        ],
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      ),
    ),
  );
  const levels = [...LEVELS].reverse().filter((level) => analysis.levels[level] > 0);
  out.push(
    section(
      "LEVELS",
      renderTable(
        ["level", "lines"],
        levels.map((level) => [level, count(analysis.levels[level])]),
        [1],
      ),
    ),
  );
  const approx = (maxError: number) =>
    maxError > 0 ? ` (counts may be low by up to ${count(maxError)})` : "";
  out.push(
    section(
      `ERROR TYPES${approx(analysis.errorTypes.maxError)}`,
      renderTable(
        ["count", "type"],
        analysis.errorTypes.top.map((item) => [count(item.count), item.type]),
        [0],
      ),
    ),
  );
  const ips = analysis.clientIps;
  out.push(
    section(
      `CLIENT IPS: ${count(ips.unique)} unique${ips.exact ? "" : " (HyperLogLog estimate, ±0.8%)"}${approx(ips.maxError)}`,
      renderTable(
        ["count", "ip"],
        ips.top.map((item) => [count(item.count), item.ip]),
        [0],
      ),
    ),
  );
  const rule = analysis.incidents.rule;
  out.push(
    section(
      `INCIDENTS (≥ ${rule.errorsPerMinute} errors/minute)`,
      analysis.incidents.items.length === 0
        ? "none"
        : renderTable(
            ["start", "end", "duration", "errors", "peak/min"],
            analysis.incidents.items.map((incident) => [
              incident.start,
              incident.end,
              duration(incident.durationMs),
              count(incident.errors),
              count(incident.peakErrorsPerMinute),
            ]),
            [3, 4],
          ),
    ),
  );
  out.push(
    section(
      `TOP MESSAGES${approx(analysis.topMessages.maxError)}`,
      renderTable(
        ["count", "message"],
        analysis.topMessages.items.map((item) => [count(item.count), item.message]),
        [0],
      ),
    ),
  );
  const histogram = analysis.histogram;
  const peak = Math.max(1, ...histogram.buckets.map((bucket) => bucket.lines));
  out.push(
    section(
      `HISTOGRAM per ${histogram.interval} (${analysis.timeRange.first ?? "?"} … ${analysis.timeRange.last ?? "?"})`,
      renderTable(
        ["start", "lines", "errors", ""],
        histogram.buckets.map((bucket) => [
          bucket.start,
          count(bucket.lines),
          count(bucket.errors),
          "#".repeat(Math.max(bucket.lines > 0 ? 1 : 0, Math.round((bucket.lines / peak) * 40))),
        ]),
        [1, 2],
      ),
    ),
  );
  return out.join("\n");
}

/** The analysis as a CLI prints it: a table for people or stable JSON for machines. */
export function renderAnalysis(analysis: LogAnalysis, format: OutputFormat): string {
  return format === "json" ? `${JSON.stringify(analysis, null, 2)}\n` : renderAnalysisTable(analysis);
}

export function renderRotation(results: readonly RotationResult[], format: OutputFormat): string {
  if (format === "json") return `${JSON.stringify(results, null, 2)}\n`;
  return `${renderTable(
    ["file", "action", "reason", "archive", "bytes", "deleted"],
    results.map((result) => [
      result.path,
      result.rotated ? "rotated" : result.dryRun && result.archive ? "would rotate" : "kept",
      result.reason + (result.deferredCompression ? " (compression deferred: file still open)" : ""),
      result.archive ?? "-",
      bytes(result.archivedBytes),
      result.deleted.length === 0 ? "-" : result.deleted.join(", "),
    ]),
    [4],
  )}\n`;
}
