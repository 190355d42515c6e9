import { formatAge } from "../../app/hosts/heartbeat";
import type { FleetHost, FleetView } from "../fleet/model";
import { ago, bytes, duration, timestamp } from "./format";
import { type Html, html } from "./html";

/** The fleet view's <main>: one row per host that ever sent a heartbeat. */
export function fleetMain(view: FleetView): Html {
  return html`<section class="fleet"><h2>Fleet</h2>
${
  view.hosts.length === 0
    ? html`<p class="muted">No host has sent a heartbeat yet.</p>`
    : html`<table class="hosts"><thead><tr><th>Host</th><th>Status</th><th>Heartbeat</th><th>CPU</th><th>Memory</th><th>Disk</th><th>Disk I/O</th><th>Latency</th><th>Load</th><th>Alerts</th><th>Last backup</th><th>Verify</th><th>Log errors</th></tr></thead><tbody>${view.hosts.map(hostRow)}</tbody></table>`
}
</section>
${view.remediations.length > 0 ? remediationSection(view) : ""}
${
  view.problems.length > 0
    ? html`<section class="problems"><h2>Problems reading stored state</h2><ul>${view.problems.map((p) => html`<li>${p}</li>`)}</ul></section>`
    : ""
}
<p class="meta">As of ${timestamp(view.generatedAt)}</p>`;
}

const pct = (n: number | undefined) => (n === undefined ? "–" : `${Math.round(n)}%`);

function hostRow(h: FleetHost): Html {
  return html`<tr data-host="${h.host}" data-status="${h.status}">
<td>${h.host}</td>
<td><span class="status status-${h.status}">${h.status === "up" ? "Up" : "Down"}</span>${h.problem ? html`<div class="message">${h.problem}</div>` : ""}</td>
<td>${ago(h.ageMs)}</td>
<td>${pct(h.cpuPercent)}</td>
<td>${pct(h.memoryPercent)}</td>
<td>${h.disks.length === 0 ? "–" : h.disks.map((d) => html`<div>${d.mount} ${pct(d.usedPercent)}</div>`)}</td>
<td class="disk-io">${diskIOCell(h)}</td>
<td class="latency">${latencyCell(h)}</td>
<td>${h.load1 === undefined ? "–" : h.load1.toFixed(2)}</td>
<td class="alerts">${h.alerts.length === 0 ? "none" : h.alerts.map((a) => html`<div class="incident-${a.severity}">${a.title}</div>`)}</td>
<td class="backup">${backupCell(h)}</td>
<td class="verify">${verifyCell(h)}</td>
<td class="logs">${logsCell(h)}</td>
</tr>`;
}

const rate = (n: number | null) => (n === null ? "–" : `${bytes(Math.round(n))}/s`);

/** Per device: busy share, then read and write throughput. */
function diskIOCell(h: FleetHost): Html | string {
  if (h.diskIO.length === 0) return "–";
  return html`${h.diskIO.map(
    (d) =>
      html`<div data-device="${d.device}">${d.device} ${pct(d.utilizationPercent ?? undefined)} busy · r ${rate(d.readBytesPerSecond)} · w ${rate(d.writeBytesPerSecond)}</div>`,
  )}`;
}

/** Connect times within a data centre are fractions of a millisecond: keep a decimal below 10 ms. */
const connectTime = (ms: number | null) => (ms !== null && ms < 10 ? `${ms.toFixed(1)} ms` : duration(ms));

/** Per peer: the connect time, or why the connect failed. */
function latencyCell(h: FleetHost): Html | string {
  if (h.latency.length === 0) return "–";
  return html`${h.latency.map((l) =>
    l.up
      ? html`<div data-target="${l.target}">${l.target} ${connectTime(l.connectMs)}</div>`
      : html`<div data-target="${l.target}">${l.target} <span class="status status-down">Down</span> <span class="message">${l.error ?? "no answer"}</span></div>`,
  )}`;
}

/** One line per backup job, so a fresh job never hides a stale one. */
function backupCell(h: FleetHost): Html | string {
  if (!h.backup || h.backup.jobs.length === 0) return html`<span class="muted">no data</span>`;
  return html`${h.backup.jobs.map(
    (j) =>
      html`<div class="backup-job" data-label="${j.label}"${j.stale ? html` data-stale="true"` : ""}><span class="label">${j.label}</span> ${
        j.lastSuccessAt
          ? html`${ago(j.ageMs)} · ${bytes(j.sizeBytes)}`
          : html`<span class="muted">never succeeded</span>`
      }${
        j.stale
          ? html` <span class="status status-degraded" title="no successful backup for more than ${formatAge(j.staleAfterMs)}">Stale</span>`
          : ""
      }${j.failure ? html`<div class="message">failed ${timestamp(j.failure.at)}: ${j.failure.error}</div>` : ""}</div>`,
  )}`;
}

function verifyCell(h: FleetHost): Html | string {
  if (!h.backup || h.backup.jobs.length === 0) return html`<span class="muted">no data</span>`;
  return html`${h.backup.jobs.map((j) => {
    const v = j.verify;
    const result = !v
      ? html`<span class="muted">not verified</span>`
      : v.ok
        ? html`<span class="status status-up">OK</span> <span class="meta">${timestamp(v.checkedAt)}</span>`
        : html`<span class="status status-down">Failed</span>${v.problems.slice(0, 3).map((p) => html`<div class="message">${p}</div>`)}`;
    return html`<div class="backup-job" data-label="${j.label}"><span class="label">${j.label}</span> ${result}</div>`;
  })}`;
}

function logsCell(h: FleetHost): Html | string {
  if (!h.logs) return html`<span class="muted">no data</span>`;
  const l = h.logs;
  return html`${l.errors} errors${l.warnings !== undefined ? html`, ${l.warnings} warnings` : ""} <span class="meta">in ${l.windowMinutes} min</span>${l.topErrors.map(
    (e) => html`<div class="message">${e.count}× ${e.message}</div>`,
  )}`;
}

const OUTCOME_STATUS = { started: "degraded", succeeded: "up", failed: "down", suppressed: "down" } as const;

/** Check remediation attempts (restarts, commands), newest first. */
function remediationSection(view: FleetView): Html {
  return html`<section class="remediations"><h2>Remediation attempts</h2><table class="remediations"><thead><tr><th>Time</th><th>Check</th><th>Action</th><th>Outcome</th><th>Message</th></tr></thead><tbody>${view.remediations.map(
    (a) =>
      html`<tr data-check="${a.checkId}" data-outcome="${a.outcome}"><td>${timestamp(a.at)}</td><td>${a.checkId}</td><td>${a.action}</td><td><span class="status status-${OUTCOME_STATUS[a.outcome]}">${a.outcome === "suppressed" ? "exhausted" : a.outcome}</span></td><td class="message">${a.message}</td></tr>`,
  )}</tbody></table></section>`;
}
