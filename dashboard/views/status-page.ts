import type { CheckView, IncidentView, MaintenanceView, StatusView } from "../status/view-model";
import { duration, headline, percent, statusLabel, timestamp } from "./format";
import { type Html, html } from "./html";
import { latencyChart } from "./latency-chart";
import { uptimeBars } from "./uptime-bars";

/** The status page's <main> content: also the fragment the refresh script swaps in. */
export function statusMain(view: StatusView): Html {
  return html`<section class="overall overall-${view.overall}" data-overall="${view.overall}">
<h2>${headline(view.overall)}</h2>
<p class="meta">Last updated <time datetime="${view.updatedAt ?? ""}">${timestamp(view.updatedAt)}</time></p>
</section>
${maintenanceSection("Maintenance in progress", view.maintenance.active)}
${incidentSection("Open incidents", view.incidents.open, "open-incidents")}
${checksSection(view)}
${maintenanceSection("Scheduled maintenance", view.maintenance.upcoming)}
${incidentSection("Recent incidents", view.incidents.recent, "recent-incidents")}`;
}

function checksSection(view: StatusView): Html {
  if (view.checks.length === 0) {
    return html`<section class="checks"><p class="muted">No checks are configured.</p></section>`;
  }
  const groups = new Map<string, CheckView[]>();
  for (const check of view.checks) {
    const key = check.group ?? "";
    groups.set(key, [...(groups.get(key) ?? []), check]);
  }
  const now = new Date(view.generatedAt);
  return html`<section class="checks">${[...groups].map(
    ([group, checks]) =>
      html`${group ? html`<h3>${group}</h3>` : ""}<ul class="checks">${checks.map((c) => checkItem(c, now))}</ul>`,
  )}</section>`;
}

function checkItem(check: CheckView, now: Date): Html {
  return html`<li class="check" data-check="${check.id}" data-status="${check.status}">
<div class="check-head"><a class="check-name" href="/checks/${encodeURIComponent(check.id)}">${check.name}</a><span class="status status-${check.status}">${statusLabel(check.status)}</span>${check.maintenance ? html`<span class="status status-maintenance">Maintenance</span>` : ""}<span class="uptime" title="uptime over 90 days">${percent(check.uptime["90d"])} uptime (90 days)</span></div>
${check.message !== undefined ? html`<p class="message">${check.message}${check.durationMs !== undefined ? html` · ${duration(check.durationMs)}` : ""}</p>` : ""}
${uptimeBars(check.days, `Uptime of ${check.name} over the last ${check.days.length} days`)}
<div class="bars-legend"><span>${check.days.length} days ago</span><span>today</span></div>
${latencyChart(check.responseTimes, { now, hours: 24, bucketMs: 600_000, label: `Response time of ${check.name} over the last 24 hours`, height: 100 })}
</li>`;
}

function incidentSection(title: string, incidents: readonly IncidentView[], id: string): Html | string {
  if (incidents.length === 0) return "";
  return html`<section class="incidents" id="${id}"><h2>${title}</h2>${incidents.map(
    (i) =>
      html`<div class="incident incident-${i.severity}"><strong>${i.title}</strong><p class="message">${i.message}</p><p class="meta">Opened ${timestamp(i.openedAt)}${i.resolvedAt ? html` · resolved ${timestamp(i.resolvedAt)}` : ""}</p></div>`,
  )}</section>`;
}

function maintenanceSection(title: string, windows: readonly MaintenanceView[]): Html | string {
  if (windows.length === 0) return "";
  return html`<section class="maintenance"><h2>${title}</h2><ul>${windows.map(
    (w) =>
      html`<li><strong>${w.title}</strong> <span class="meta">${timestamp(w.start)} – ${timestamp(w.end)}${w.checks.length > 0 ? html` · ${w.checks.join(", ")}` : ""}</span></li>`,
  )}</ul></section>`;
}
