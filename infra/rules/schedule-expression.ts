/**
 * EventBridge schedule expressions: `rate(<n> <unit>)` or `cron(<6 fields>)`. EventBridge rejects a
 * plural unit with 1 (`rate(1 minutes)`) and a singular one otherwise (`rate(5 minute)`), and rates
 * below one minute; catching these here turns a failed deployment into a config error.
 */
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((\S+ ){5}\S+\)$/;

/** Why `expression` is not a schedule EventBridge accepts, or undefined when it is one. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    if (value < 1) return "expected a rate of at least 1";
    const singular = unit.replace(/s$/, "");
    if (value === 1 && unit !== singular) return `expected rate(1 ${singular})`;
    if (value > 1 && unit === singular) return `expected rate(${value} ${singular}s)`;
    return undefined;
  }
  if (CRON.test(expression)) return undefined;
  return "expected rate(1 minute), rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)";
}
