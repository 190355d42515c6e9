import { z } from "zod";
import type { StatuspageCheckConfig } from "./config";
import { describeFetchError } from "./http-probe";
import type { ProbeContext } from "./probe-context";
import { type CheckStatus, downOutcome, type ProbeOutcome, unreachableOutcome } from "./result";

/** The part of an Atlassian Statuspage v2 `status.json` (or `summary.json`) a check needs. */
const statuspageSchema = z.object({
  status: z.object({
    indicator: z.string(),
    description: z.string().default(""),
  }),
});

/** Statuspage's indicator → our status: none → up, minor → degraded, major/critical → down. */
export function statusFromIndicator(indicator: string): CheckStatus {
  switch (indicator) {
    case "none":
      return "up";
    case "minor":
    case "maintenance":
      return "degraded";
    default:
      // major, critical, and anything unknown: treat as down rather than hide it.
      return "down";
  }
}

export async function probeStatuspage(
  check: StatuspageCheckConfig,
  ctx: ProbeContext,
): Promise<ProbeOutcome> {
  let response: Response;
  let text: string;
  try {
    response = await ctx.fetch(check.url, { headers: { accept: "application/json" }, signal: ctx.signal });
    text = await response.text();
  } catch (error) {
    return unreachableOutcome(`request failed: ${describeFetchError(error)}`);
  }
  if (!response.ok)
    return downOutcome(`status page answered ${response.status}`, { statusCode: response.status });
  let parsed: z.output<typeof statuspageSchema>;
  try {
    parsed = statuspageSchema.parse(JSON.parse(text));
  } catch {
    return downOutcome("not a Statuspage v2 status document", { statusCode: response.status });
  }
  const { indicator, description } = parsed.status;
  const status = statusFromIndicator(indicator);
  return {
    status,
    statusCode: response.status,
    message: description || `indicator ${indicator}`,
    conditions: [
      {
        name: "indicator",
        passed: status === "up",
        severity: status === "down" ? "down" : "degraded",
        detail: `indicator ${indicator}`,
      },
    ],
  };
}
