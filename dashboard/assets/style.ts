/** The dashboard's stylesheet, served from /assets/ (the CSP allows no inline style). */
export const STYLESHEET = `
:root{--up:#1f9d55;--degraded:#d69e2e;--down:#d64545;--maintenance:#4a7bd0;--none:#d5d9e0;--fg:#1d2430;--muted:#5f6b7a;--bg:#f6f7f9;--card:#fff;--line:#e3e6eb}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header.top{display:flex;align-items:center;justify-content:space-between;padding:14px 24px;background:var(--card);border-bottom:1px solid var(--line)}
header.top h1{font-size:20px;margin:0}
header.top nav a{margin-left:16px;color:var(--muted);text-decoration:none}
header.top nav a[aria-current=page]{color:var(--fg);font-weight:600}
main{max-width:980px;margin:24px auto;padding:0 16px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin-bottom:18px}
h2{font-size:18px;margin:0 0 8px}
h3{font-size:15px;margin:14px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.overall{border-left:6px solid var(--none)}
.overall-up{border-left-color:var(--up)}.overall-degraded{border-left-color:var(--degraded)}.overall-down{border-left-color:var(--down)}
.meta,.message,.muted{color:var(--muted);font-size:13px}
.message{margin:2px 0 6px;overflow-wrap:anywhere}
ul.checks{list-style:none;margin:0;padding:0}
li.check{padding:12px 0;border-top:1px solid var(--line)}
li.check:first-child{border-top:0}
.check-head{display:flex;align-items:baseline;gap:10px;flex-wrap:wrap}
.check-name{font-weight:600;color:var(--fg);text-decoration:none;overflow-wrap:anywhere}
.check-name:hover{text-decoration:underline}
.uptime{margin-left:auto;color:var(--muted);font-size:13px}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--none)}
.status-up{background:var(--up)}.status-degraded{background:var(--degraded)}.status-down{background:var(--down)}.status-unknown{background:#8a94a3}
.uptime-bars{display:block;width:100%;height:30px}
.bar-up{fill:var(--up)}.bar-degraded{fill:var(--degraded)}.bar-down{fill:var(--down)}.bar-maintenance{fill:var(--maintenance)}.bar-none{fill:var(--none)}
.bars-legend{display:flex;justify-content:space-between;color:var(--muted);font-size:12px}
.latency-chart{display:block;width:100%;height:auto;margin-top:8px}
.latency-line{fill:none;stroke:var(--maintenance);stroke-width:1.8}
.latency-dot{fill:var(--maintenance)}
.grid{stroke:var(--line)}
.axis{fill:var(--muted);font-size:10px}
.chart-empty{color:var(--muted);font-size:13px}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{color:var(--muted);font-weight:600}
.incident-critical{border-left:4px solid var(--down);padding-left:10px}
.incident-warning{border-left:4px solid var(--degraded);padding-left:10px}
.problems li{color:var(--down)}
.backup-job+.backup-job{margin-top:4px}.backup-job .label{font-weight:600}
footer{max-width:980px;margin:0 auto 24px;padding:0 16px;color:var(--muted);font-size:12px}
`;
