import { closeSync, openSync, writeSync } from "node:fs";

/** Small seeded PRNG (mulberry32): the same seed gives the same file on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface GeneratedLogStats {
  lines: number;
  bytes: number;
  /** Lines per level name as the analyser names them. */
  levels: Record<string, number>;
  errorTypes: Record<string, number>;
  uniqueIps: number;
  firstTs: number;
  lastTs: number;
}

export interface SyslogGeneratorOptions {
  /** Approximate size of the file; generation stops at the first line boundary past it. */
  bytes: number;
  seed?: number;
  /** Distinct client IPs to draw from (skewed: a few are very frequent). */
  ipPool?: number;
  /** First timestamp (ms); lines advance ~8 ms apart on average. */
  startMs?: number;
  /** Minutes (from the start) in which errors burst at ~20× their usual rate. */
  burstMinutes?: number[];
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const HOSTS = ["web01", "web02", "db01", "cache01"];
const ERROR_TYPES = ["DiskFull", "ConnectionRefused", "OutOfMemory", "ECONNRESET", "Timeout"];
const USERS = ["admin", "root", "oracle", "test", "ubuntu", "deploy"];
const PATHS = ["/api/v1/orders/", "/api/v1/users/", "/api/v2/cart/", "/static/app-"];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function bsdTime(ms: number): string {
  const d = new Date(ms);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/**
 * Writes a syslog-style (RFC 3164, UTC) file mixing app lines with level words, sshd and
 * nginx-forwarded lines, with a seeded, skewed client-IP distribution and error bursts; returns
 * what an exact analysis must find. Used by the log tests and by `npm run bench:logs`.
 */
export function generateSyslogFile(path: string, options: SyslogGeneratorOptions): GeneratedLogStats {
  const random = seededRandom(options.seed ?? 42);
  const ipPool = options.ipPool ?? 50_000;
  const ips: string[] = [];
  for (let i = 0; i < ipPool; i++) {
    ips.push(`${10 + (i % 200)}.${(i >>> 8) & 255}.${i & 255}.${1 + ((i * 7) % 250)}`);
  }
  const bursts = new Set(options.burstMinutes ?? []);
  const stats: GeneratedLogStats = {
    lines: 0,
    bytes: 0,
    levels: {},
    errorTypes: {},
    uniqueIps: 0,
    firstTs: Number.NaN,
    lastTs: Number.NaN,
  };
  const seen = new Uint8Array(ipPool);
  const fd = openSync(path, "w");
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  let used = 0;
  let ts = options.startMs ?? Date.UTC(2026, 2, 7, 0, 0, 0);
  const start = ts;
  let timeText = "";
  let timeSecond = -1;
  try {
    while (stats.bytes < options.bytes) {
      ts += Math.floor(random() * 16);
      const second = Math.floor(ts / 1000);
      if (second !== timeSecond) {
        timeSecond = second;
        timeText = bsdTime(second * 1000);
      }
      if (Number.isNaN(stats.firstTs)) stats.firstTs = second * 1000;
      stats.lastTs = second * 1000;
      const host = HOSTS[Math.floor(random() * HOSTS.length)] as string;
      const pid = 1000 + Math.floor(random() * 9000);
      const ipIndex = Math.floor(ipPool * random() ** 3);
      const ip = ips[ipIndex] as string;
      const burst = bursts.has(Math.floor((ts - start) / 60_000));
      const roll = random();
      const errorShare = burst ? 0.6 : 0.04;
      let body: string;
      let level: string;
      let usesIp = true;
      if (roll < errorShare) {
        const type = ERROR_TYPES[Math.floor(random() * ERROR_TYPES.length)] as string;
        stats.errorTypes[type] = (stats.errorTypes[type] ?? 0) + 1;
        level = "error";
        body =
          type === "Timeout"
            ? `app[${pid}]: ERROR: Timeout: upstream did not answer in ${Math.floor(random() * 30_000)} ms client=${ip}`
            : `app[${pid}]: ERROR: ${type} while handling request ${Math.floor(random() * 1e9).toString(16)} client=${ip}`;
      } else if (roll < errorShare + 0.1) {
        level = "warn";
        body = `app[${pid}]: WARN: slow query took ${Math.floor(random() * 5000)}ms table=orders client=${ip}`;
      } else if (roll < errorShare + 0.18) {
        level = "debug";
        usesIp = false;
        body = `app[${pid}]: DEBUG: cache hit key=user:${Math.floor(random() * 100_000)}`;
      } else if (roll < errorShare + 0.24) {
        level = "unknown";
        body = `sshd[${pid}]: Failed password for invalid user ${USERS[Math.floor(random() * USERS.length)]} from ${ip} port ${1024 + Math.floor(random() * 60_000)} ssh2`;
      } else if (roll < errorShare + 0.4) {
        level = "unknown";
        const path = PATHS[Math.floor(random() * PATHS.length)] as string;
        body = `nginx[${pid}]: ${ip} - - "GET ${path}${Math.floor(random() * 10_000)} HTTP/1.1" 200 ${Math.floor(random() * 50_000)}`;
      } else {
        level = "info";
        body = `app[${pid}]: INFO: request completed method=GET path=/api/v1/orders/${Math.floor(random() * 1e6)} status=200 duration_ms=${Math.floor(random() * 900)} client=${ip}`;
      }
      if (usesIp && seen[ipIndex] === 0) {
        seen[ipIndex] = 1;
        stats.uniqueIps++;
      }
      stats.levels[level] = (stats.levels[level] ?? 0) + 1;
      const line = `${timeText} ${host} ${body}\n`;
      if (used + line.length * 3 > buffer.length) {
        writeSync(fd, buffer, 0, used);
        used = 0;
      }
      const written = buffer.write(line, used, "utf8");
      used += written;
      stats.bytes += written;
      stats.lines++;
    }
    if (used > 0) writeSync(fd, buffer, 0, used);
  } finally {
    closeSync(fd);
  }
  return stats;
}
