import { renderSuite, type SuiteReport } from "./report";

/** How a suite run on its own prints: the report section as Markdown, or everything as JSON. */
export function printSuite(report: SuiteReport, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderSuite(report)}\n`);
}

/** Runs a suite's command-line entry: a failure prints its message and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

/** `positive` for counts and durations; `any` for seeds (0 is a seed like another). */
export type NumberFlagKind = "positive" | "any";

/** One numeric flag's value, or an error naming the flag. */
export function numberFlag(raw: string, name: string, kind: NumberFlagKind): number {
  const value = Number(raw);
  const positive = kind === "positive";
  if (raw.trim() === "" || !Number.isFinite(value) || (positive && value <= 0)) {
    throw new Error(`--${name}: expected ${positive ? "a positive number" : "a number"}, got "${raw}"`);
  }
  return value;
}

/** The numeric flags that were given, parsed: `{ runs: 5 }` for `--runs 5`, nothing for absent ones. */
export function numberFlags<K extends string>(
  values: Readonly<Record<string, string | boolean | undefined>>,
  kinds: Record<K, NumberFlagKind>,
): Partial<Record<K, number>> {
  const parsed: Partial<Record<K, number>> = {};
  for (const name of Object.keys(kinds) as K[]) {
    const raw = values[name];
    if (typeof raw === "string") parsed[name] = numberFlag(raw, name, kinds[name]);
  }
  return parsed;
}

/** The flags of the wrk-driven suites (dashboard, /metrics), for `parseArgs`. */
export const WRK_SUITE_OPTIONS = {
  seconds: { type: "string" },
  rounds: { type: "string" },
  connections: { type: "string" },
  threads: { type: "string" },
  checks: { type: "string" },
  quick: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
} as const;
