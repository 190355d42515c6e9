import { describe, expect, it } from "vitest";
import {
  GENERATED_END,
  GENERATED_START,
  renderRun,
  renderSuite,
  renderTable,
  replaceGenerated,
  type SuiteReport,
  skippedSuite,
  target,
} from "../../bench/lib/report";

const suite: SuiteReport = {
  id: "logs",
  title: "Log analysis",
  input: "A generated file: 1074 MB.",
  commands: ["rg -c ERROR syslog.log"],
  tables: [{ columns: ["tool", "MB/s"], numeric: [1], rows: [["rg | count", "5000"]] }],
  targets: [
    target("throughput", "≥ 450 MB/s", "630 MB/s", true),
    target("vs readline", "≥ 5×", "4.6×", false),
  ],
  skipped: ["mawk: skipped"],
  notes: ["Result check: exact."],
  data: {},
};

describe("benchmark report", () => {
  it("marks each target met, missed, or not measured when a peer was missing", () => {
    expect(target("a", "≥ 1", "2", true).status).toBe("met");
    expect(target("a", "≥ 1", "0", false).status).toBe("missed");
    expect(target("a", "≥ 1", "–", null).status).toBe("not measured");
  });

  it("right-aligns numeric columns and escapes pipes inside cells", () => {
    const text = renderTable(suite.tables[0] as SuiteReport["tables"][number]);

    expect(text.split("\n")).toEqual(["| tool | MB/s |", "|---|---:|", "| rg \\| count | 5000 |"]);
  });

  it("prints a suite with its input, exact commands, figures, targets, skips and notes", () => {
    const text = renderSuite(suite);

    expect(text).toContain("### Log analysis");
    expect(text).toContain("```sh\nrg -c ERROR syslog.log\n```");
    expect(text).toContain("| vs readline | ≥ 5× | 4.6× | **missed** |");
    expect(text).toContain("- Skipped — mawk: skipped");
    expect(text).toContain("- Result check: exact.");
  });

  it("leaves out the empty parts of a suite that could not run", () => {
    const text = renderSuite(
      skippedSuite("metrics", "/metrics", "wrk not installed", [target("x", "y", "–", null)]),
    );

    expect(text).not.toContain("```");
    expect(text).toContain("| x | y | – | not measured |");
  });

  it("opens the run with the machine and every target counted", () => {
    const text = renderRun({
      mode: "full",
      command: "npm run bench",
      startedAt: new Date("2026-11-21T07:00:00Z"),
      durationSeconds: 900,
      machine: {
        cores: 2,
        model: "AMD EPYC",
        memoryGiB: 23.5,
        node: "v20.20.2",
        kernel: "Linux 6",
        loadAverage: [0.1, 0.2, 0.3],
      },
      loadAtEnd: [1, 1, 1],
      calibrationMs: [280, 310],
      suites: [suite],
    });

    expect(text).toContain("2 cores (AMD EPYC), 23.5 GiB memory");
    expect(text).toContain("Node v20.20.2");
    expect(text).toContain("at start: 0.10 / 0.20 / 0.30");
    expect(text).toContain("lower is faster; compare runs with it): 280 ms at start, 310 ms at end");
    expect(text).toContain("### Targets: 1 met, 1 missed, 0 not measured");
  });

  it("replaces only the generated block and keeps the hand-written text around it", () => {
    const existing = `# Benchmarks\n\nIntro.\n\n${GENERATED_START}\nold figures\n${GENERATED_END}\n\n## Analysis\n\nKept.\n`;

    const updated = replaceGenerated(existing, "new figures");

    expect(updated).toBe(
      `# Benchmarks\n\nIntro.\n\n${GENERATED_START}\n\nnew figures\n\n${GENERATED_END}\n\n## Analysis\n\nKept.\n`,
    );
  });

  it("appends the generated block to a document without markers, and starts a missing one", () => {
    expect(replaceGenerated("# Notes\n", "figures")).toBe(
      `# Notes\n\n${GENERATED_START}\n\nfigures\n\n${GENERATED_END}\n`,
    );
    expect(replaceGenerated(undefined, "figures")).toContain("# Benchmarks");
  });
});
