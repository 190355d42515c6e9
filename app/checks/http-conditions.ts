import { JSONPath } from "jsonpath-plus";
import type { HttpCheckConfig, JsonCondition } from "./config";
import type { CertificateInfo, ConditionResult } from "./result";

/** Pure rules that judge an HTTP response against a check's expectations. */

export function statusMatches(status: number, expected: ReadonlyArray<number | string>): boolean {
  return expected.some((m) => (typeof m === "number" ? m === status : `${Math.floor(status / 100)}xx` === m));
}

export interface HttpObservation {
  status: number;
  body: string;
  /** The body was cut at the read limit. */
  truncated: boolean;
  durationMs: number;
  certificate?: CertificateInfo;
}

export function evaluateHttp(check: HttpCheckConfig, seen: HttpObservation): ConditionResult[] {
  const conditions: ConditionResult[] = [
    {
      name: "status",
      passed: statusMatches(seen.status, check.expectStatus),
      severity: "down",
      detail: `status ${seen.status}, expected ${check.expectStatus.join(" or ")}`,
    },
  ];
  if (check.bodyContains !== undefined) {
    const passed = seen.body.includes(check.bodyContains);
    conditions.push({
      name: "bodyContains",
      passed,
      severity: "down",
      detail: passed
        ? "body contains the text"
        : `body does not contain ${JSON.stringify(check.bodyContains)}`,
    });
  }
  if (check.bodyMatches !== undefined) {
    const passed = new RegExp(check.bodyMatches).test(seen.body);
    conditions.push({
      name: "bodyMatches",
      passed,
      severity: "down",
      detail: passed ? "body matches" : `body does not match /${check.bodyMatches}/`,
    });
  }
  if (check.json.length > 0) conditions.push(...evaluateJson(check.json, seen.body));
  if (check.maxResponseTimeMs !== undefined) {
    const passed = seen.durationMs <= check.maxResponseTimeMs;
    conditions.push({
      name: "responseTime",
      passed,
      severity: "degraded",
      detail: `responded in ${Math.round(seen.durationMs)} ms (limit ${check.maxResponseTimeMs} ms)`,
    });
  }
  if (seen.certificate) conditions.push(...evaluateCertificate(seen.certificate, check.tls.minDaysLeft));
  return conditions;
}

export function evaluateCertificate(cert: CertificateInfo, minDaysLeft: number): ConditionResult[] {
  const out: ConditionResult[] = [];
  if (cert.daysLeft < 0) {
    out.push({
      name: "certificate",
      passed: false,
      severity: "down",
      detail: `certificate expired on ${cert.validTo}`,
    });
  } else if (minDaysLeft > 0) {
    out.push({
      name: "certificate",
      passed: cert.daysLeft >= minDaysLeft,
      severity: "degraded",
      detail: `certificate expires in ${cert.daysLeft} days (minimum ${minDaysLeft})`,
    });
  }
  return out;
}

export function evaluateJson(conditions: JsonCondition[], body: string): ConditionResult[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return conditions.map((c) => ({
      name: `json ${c.path}`,
      passed: false,
      severity: "down",
      detail: "body is not JSON",
    }));
  }
  return conditions.map((condition) => evaluateJsonCondition(condition, doc));
}

function evaluateJsonCondition(condition: JsonCondition, doc: unknown): ConditionResult {
  const name = `json ${condition.path}`;
  let values: unknown[];
  try {
    // `json` must be an object or array for jsonpath-plus; wrap scalars so `$` still works.
    values = JSONPath({ path: condition.path, json: doc as object, wrap: true }) as unknown[];
  } catch (error) {
    return { name, passed: false, severity: "down", detail: `invalid JSONPath: ${(error as Error).message}` };
  }
  const first = values[0];
  if (condition.exists !== undefined) {
    const passed = values.length > 0 === condition.exists;
    return {
      name,
      passed,
      severity: "down",
      detail: `${condition.path} ${values.length > 0 ? "exists" : "is missing"}`,
    };
  }
  if (values.length === 0)
    return { name, passed: false, severity: "down", detail: `${condition.path} is missing` };
  if (condition.equals !== undefined) {
    const passed = values.some((v) => v === condition.equals);
    return {
      name,
      passed,
      severity: "down",
      detail: `${condition.path} is ${preview(first)}${passed ? "" : `, expected ${preview(condition.equals)}`}`,
    };
  }
  const pattern = new RegExp(condition.matches ?? "");
  const passed = values.some((v) => pattern.test(typeof v === "string" ? v : JSON.stringify(v)));
  return {
    name,
    passed,
    severity: "down",
    detail: `${condition.path} is ${preview(first)}${passed ? "" : `, expected to match /${condition.matches}/`}`,
  };
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
