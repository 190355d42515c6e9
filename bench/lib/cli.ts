import { renderSuite, type SuiteReport } from "./report";

/** How a suite run on its own prints: the report section as Markdown, or everything as JSON. */
export function printSuite(report: SuiteReport, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderSuite(report)}\n`);
}
