import type { HistoryEntry } from "../../app/history/entry";
import { type CheckView, type IncidentView, UPTIME_WINDOWS } from "../status/view-model";
import { duration, percent, statusLabel, timestamp } from "./format";
import { type Html, html } from "./html";
import { latencyChart } from "./latency-chart";
import { uptimeBars } from "./uptime-bars";

/** Rows of raw results shown on a check's page; the JSON API serves the full range. */
export const HISTORY_ROWS = 200;

/** A check's history page <main>: its state, uptime windows, day bars, response times and recent results. */
export function checkMain(
  check: CheckView,
  entries: readonly HistoryEntry[],
  incidents: readonly IncidentView[],
  generatedAt: string,
): Html {
  const rows = entries.slice(-HISTORY_ROWS).reverse();
  return html`<section class="check-detail" data-check="${check.id}" data-status="${check.status}">
<p class="meta"><a href="/">← All checks</a></p>
<div class="check-head"><h2 class="check-title">${check.name}</h2><span class="status status-${check.status}">${statusLabel(check.status)}</span></div>
${check.description ? html`<p>${check.description}</p>` : ""}
<p class="meta">${check.type} check${check.group ? html` · ${check.group}` : ""} · last checked ${timestamp(check.checkedAt)}</p>
${check.message !== undefined ? html`<p class="message">${check.message}</p>` : ""}
<table class="uptime-windows"><thead><tr>${UPTIME_WINDOWS.map((w) => html`<th>${w}</th>`)}</tr></thead><tbody><tr>${UPTIME_WINDOWS.map(
    (w) => html`<td>${percent(check.uptime[w])}</td>`,
  )}</tr></tbody></table>
</section>
<section><h2>Uptime, last ${check.days.length} days</h2>
${uptimeBars(check.days, `Uptime of ${check.name} over the last ${check.days.length} days`)}
<div class="bars-legend"><span>${check.days[0]?.day ?? ""}</span><span>${check.days.at(-1)?.day ?? ""}</span></div>
</section>
<section><h2>Response time, last 24 hours</h2>
${latencyChart(check.responseTimes, { now: new Date(generatedAt), hours: 24, bucketMs: 600_000, label: `Response time of ${check.name} over the last 24 hours`, dots: true })}
</section>
${
  incidents.length > 0
    ? html`<section><h2>Incidents</h2>${incidents.map(
        (i) =>
          html`<div class="incident incident-${i.severity}"><strong>${i.title}</strong><p class="message">${i.message}</p><p class="meta">Opened ${timestamp(i.openedAt)}${i.resolvedAt ? html` · resolved ${timestamp(i.resolvedAt)}` : ""}</p></div>`,
      )}</section>`
    : ""
}
<section><h2>Recent results</h2>
${
  rows.length === 0
    ? html`<p class="muted">No results in the last 24 hours.</p>`
    : html`<table class="history"><thead><tr><th>Time</th><th>Status</th><th>Duration</th><th>Code</th><th>Attempts</th><th>Message</th></tr></thead><tbody>${rows.map(
        (e) =>
          html`<tr data-status="${e.status}"><td>${timestamp(e.at)}</td><td><span class="status status-${e.status}">${statusLabel(e.status)}</span>${e.maintenance ? " (maintenance)" : ""}</td><td>${duration(e.durationMs)}</td><td>${e.statusCode ?? "–"}</td><td>${e.attempts}</td><td>${e.message}</td></tr>`,
      )}</tbody></table>`
}
</section>`;
}
