import { writeFile } from "node:fs/promises";
import * as path from "node:path";

/**
 * Small hand-written logs, one per format, written into a test's temp dir (the repository ignores
 * `*.log`, so they live here as text rather than as fixture files).
 */
export const SAMPLE_LOGS = {
  "syslog.log": [
    "Mar  7 14:03:22 web01 sshd[2231]: Failed password for invalid user admin from 203.0.113.7 port 52311 ssh2",
    "Mar  7 14:03:23 web01 app[4121]: ERROR: DiskFull on /dev/sda1 (free=0 bytes) client=198.51.100.23",
    "<11>Mar  7 14:03:24 web01 app[4121]: ERROR Timeout: upstream did not answer in 30000 ms",
    "<14>Mar  7 14:03:25 web01 app[4121]: processing order 7731",
    "Mar  7 14:03:26 web01 kernel: [12345.678] eth0: link up",
    "<30>2026-03-07T14:03:27.123456+00:00 web01 nginx[88]: WARN: slow upstream 10.0.0.5:8080",
  ],
  "access.log": [
    '203.0.113.7 - frank [07/Mar/2026:14:03:22 +0000] "GET /api/v1/orders/123?expand=items HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0"',
    '198.51.100.23 - - [07/Mar/2026:14:03:23 +0000] "POST /api/v1/orders HTTP/1.1" 503 0 "-" "curl/8.5.0"',
    '2001:db8::1 - - [07/Mar/2026:15:03:24 +0100] "GET /static/app-42.js HTTP/2.0" 404 153 "-" "Mozilla/5.0"',
    '203.0.113.7 - - [07/Mar/2026:14:03:25 +0000] "GET /api/v1/orders/124 HTTP/1.1" 500 12',
  ],
  "generic.log": [
    "2026-03-07 14:03:22,123 INFO Server started on port 8080",
    "2026-03-07T14:03:23Z ERROR ConnectionRefused: db01:5432 unreachable",
    "[2026-03-07 14:03:24] [warn] disk usage at 91%",
    "2026/03/07 14:03:25 [error] 1234#0: *5 connect() failed (111: Connection refused) while connecting to upstream",
    "FATAL: cannot continue without configuration",
  ],
} as const;

export type SampleLog = keyof typeof SAMPLE_LOGS;

/** Writes every sample into `dir`; returns a function naming a sample's path. */
export async function writeSampleLogs(dir: string): Promise<(name: SampleLog) => string> {
  for (const [name, lines] of Object.entries(SAMPLE_LOGS)) {
    await writeFile(path.join(dir, name), `${lines.join("\n")}\n`);
  }
  return (name) => path.join(dir, name);
}
