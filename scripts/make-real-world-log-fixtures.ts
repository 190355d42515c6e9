/**
 * Writes test/fixtures/logs/real-world/: small logs in the exact formats real software writes
 * (Debian rsyslog, OpenSSH, Apache 2.4 error log, HDFS as in LogHub, log4j with stack traces,
 * nginx combined), from message templates of those programs and a seeded PRNG, so the files
 * are the same on every run. The tests count them independently; re-running this script must not
 * change them (`git diff --exit-code test/fixtures/logs/real-world` after `npx tsx` of it).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { seededRandom } from "../test/support/log-generator";

const OUT = path.join(__dirname, "..", "test", "fixtures", "logs", "real-world");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const random = seededRandom(14_2);
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
const pad = (n: number, width = 2) => String(n).padStart(width, "0");
/** Skewed choice: the first items are drawn far more often (a few noisy clients). */
function skewed<T>(items: readonly T[]): T {
  return items[Math.floor(random() ** 2.5 * items.length)] as T;
}

/** `Dec  5 10:00:01`: RFC 3164 as rsyslog writes files (day padded with a space). */
function bsd(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Lines at increasing times from `startMs`, `gapMs` apart on average. */
function timeline(count: number, startMs: number, gapMs: number): number[] {
  const times: number[] = [];
  let t = startMs;
  for (let i = 0; i < count; i++) {
    times.push(t);
    t += Math.floor(random() * 2 * gapMs);
  }
  return times;
}

const ATTACKERS = ["203.0.113.5", "198.51.100.23", "203.0.113.77", "192.0.2.201", "198.51.100.140"];
const USERS = ["admin", "test", "oracle", "ubuntu", "git", "postgres", "user1"];

function syslogDebian(): string {
  const host = "web01";
  const lines: string[] = [];
  for (const t of timeline(320, Date.UTC(2026, 11, 5, 6, 25, 1), 9000)) {
    const ts = `${bsd(t)} ${host}`;
    const pid = int(400, 32000);
    const kind = random();
    if (kind < 0.18) {
      lines.push(
        pick([
          `${ts} systemd[1]: Starting apt-daily.service - Daily apt download activities...`,
          `${ts} systemd[1]: apt-daily.service: Deactivated successfully.`,
          `${ts} systemd[1]: Finished apt-daily.service - Daily apt download activities.`,
          `${ts} systemd[1]: Started session-${int(1, 900)}.scope - Session ${int(1, 900)} of User deploy.`,
          `${ts} systemd[1]: nginx.service: Main process exited, code=exited, status=1/FAILURE`,
          `${ts} systemd[1]: Failed to start nginx.service - A high performance web server and a reverse proxy server.`,
          `${ts} systemd[1]: Reloading.`,
        ]),
      );
    } else if (kind < 0.3) {
      const up = (t / 1000 - 1_796_000_000 + 123_456).toFixed(6);
      lines.push(
        pick([
          `${ts} kernel: [${up.padStart(12, " ")}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${skewed(ATTACKERS)} DST=10.0.0.5 LEN=44 TOS=0x00 PREC=0x00 TTL=243 ID=54321 PROTO=TCP SPT=${int(1024, 65535)} DPT=${pick([23, 3389, 8080, 445])} WINDOW=1024 RES=0x00 SYN URGP=0`,
          `${ts} kernel: [${up.padStart(12, " ")}] EXT4-fs (sda1): re-mounted 7c1f0f7a-2b1e-4c6e-9d43-1a2b3c4d5e6f. Quota mode: none.`,
          `${ts} kernel: [${up.padStart(12, " ")}] Out of memory: Killed process ${pid} (java) total-vm:8123456kB, anon-rss:3987654kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:8192kB oom_score_adj:0`,
        ]),
      );
    } else if (kind < 0.45) {
      lines.push(
        pick([
          `${ts} CRON[${pid}]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)`,
          `${ts} CRON[${pid}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`,
          `${ts} CRON[${pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`,
          `${ts} CRON[${pid}]: pam_unix(cron:session): session closed for user root`,
        ]),
      );
    } else if (kind < 0.7) {
      const ip = skewed(ATTACKERS);
      const port = int(30000, 65000);
      lines.push(
        pick([
          `${ts} sshd[${pid}]: Failed password for invalid user ${pick(USERS)} from ${ip} port ${port} ssh2`,
          `${ts} sshd[${pid}]: Failed password for root from ${ip} port ${port} ssh2`,
          `${ts} sshd[${pid}]: Invalid user ${pick(USERS)} from ${ip} port ${port}`,
          `${ts} sshd[${pid}]: Connection closed by invalid user ${pick(USERS)} ${ip} port ${port} [preauth]`,
          `${ts} sshd[${pid}]: Accepted publickey for deploy from 192.0.2.10 port ${port} ssh2: ED25519 SHA256:k3XqQ0jv1b0hD2mM9sW7yq3c6wJfZt1C8uNnRkP0aYo`,
          `${ts} sshd[${pid}]: error: kex_exchange_identification: Connection closed by remote host`,
          `${ts} sshd[${pid}]: error: maximum authentication attempts exceeded for root from ${ip} port ${port} ssh2 [preauth]`,
        ]),
      );
    } else if (kind < 0.82) {
      lines.push(
        pick([
          `${ts} postfix/smtpd[${pid}]: warning: hostname unknown.example does not resolve to address ${skewed(ATTACKERS)}: Name or service not known`,
          `${ts} postfix/smtpd[${pid}]: connect from unknown[${skewed(ATTACKERS)}]`,
          `${ts} postfix/smtpd[${pid}]: lost connection after AUTH from unknown[${skewed(ATTACKERS)}]`,
          `${ts} postfix/smtpd[${pid}]: warning: unknown[${skewed(ATTACKERS)}]: SASL LOGIN authentication failed: authentication failure`,
        ]),
      );
    } else {
      lines.push(
        pick([
          `${ts} systemd-logind[612]: New session ${int(1, 900)} of user deploy.`,
          `${ts} systemd-logind[612]: Session ${int(1, 900)} logged out. Waiting for processes to exit.`,
          `${ts} rsyslogd[588]: [origin software="rsyslogd" swVersion="8.2302.0" x-pid="588" x-info="https://www.rsyslog.com"] rsyslogd was HUPed`,
          `${ts} dhclient[701]: DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67`,
          `${ts} dhclient[701]: DHCPACK of 10.0.0.5 from 10.0.0.1`,
        ]),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

function authLog(): string {
  const host = "bastion";
  const lines: string[] = [];
  for (const t of timeline(260, Date.UTC(2026, 11, 5, 0, 0, 3), 2500)) {
    const ts = `${bsd(t)} ${host}`;
    const pid = int(1000, 60000);
    const ip = skewed(ATTACKERS);
    const port = int(30000, 65000);
    const user = pick(USERS);
    lines.push(
      pick([
        `${ts} sshd[${pid}]: Failed password for invalid user ${user} from ${ip} port ${port} ssh2`,
        `${ts} sshd[${pid}]: Failed password for root from ${ip} port ${port} ssh2`,
        `${ts} sshd[${pid}]: Invalid user ${user} from ${ip} port ${port}`,
        `${ts} sshd[${pid}]: pam_unix(sshd:auth): check pass; user unknown`,
        `${ts} sshd[${pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`,
        `${ts} sshd[${pid}]: Received disconnect from ${ip} port ${port}:11: Bye Bye [preauth]`,
        `${ts} sshd[${pid}]: Disconnected from invalid user ${user} ${ip} port ${port} [preauth]`,
        `${ts} sshd[${pid}]: Accepted publickey for deploy from 192.0.2.10 port ${port} ssh2: ED25519 SHA256:k3XqQ0jv1b0hD2mM9sW7yq3c6wJfZt1C8uNnRkP0aYo`,
        `${ts} sshd[${pid}]: pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)`,
        `${ts} sshd[${pid}]: error: kex_exchange_identification: read: Connection reset by peer`,
        `${ts} sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`,
        `${ts} sudo: pam_unix(sudo:session): session opened for user root(uid=0) by deploy(uid=1000)`,
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** `Sat Dec 05 10:00:01.123456 2026`: Apache 2.4's ErrorLogFormat time with microseconds. */
function apacheTime(ms: number): string {
  const d = new Date(ms);
  const micro = pad(d.getUTCMilliseconds(), 3) + pad(int(0, 999), 3);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${micro} ${d.getUTCFullYear()}`;
}

function apacheError(): string {
  const clients = ["203.0.113.9", "198.51.100.4", "192.0.2.33", "203.0.113.250"];
  const lines: string[] = [];
  for (const t of timeline(180, Date.UTC(2026, 11, 5, 10, 0, 1), 4000)) {
    const head = `[${apacheTime(t)}]`;
    const proc = `[pid ${int(1000, 9000)}:tid ${int(139_000_000_000_000, 140_999_999_999_999)}]`;
    const client = `[client ${skewed(clients)}:${int(30000, 65000)}]`;
    lines.push(
      pick([
        `${head} [core:error] ${proc} ${client} AH00126: Invalid URI in request GET /../../etc/passwd HTTP/1.1`,
        `${head} [core:info] ${proc} ${client} AH00128: File does not exist: /var/www/html/favicon.ico`,
        `${head} [authz_core:error] ${proc} ${client} AH01630: client denied by server configuration: /var/www/html/.git/config`,
        `${head} [php:warn] ${proc} ${client} PHP Warning:  Undefined variable $user in /var/www/html/index.php on line 42`,
        `${head} [php:error] ${proc} ${client} PHP Fatal error:  Uncaught Error: Call to undefined function mysql_connect() in /var/www/html/db.php:7`,
        `${head} [proxy:error] ${proc} (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8080 (127.0.0.1:8080) failed`,
        `${head} [proxy_http:error] ${proc} ${client} AH01114: HTTP: failed to make connection to backend: 127.0.0.1`,
        `${head} [ssl:warn] ${proc} AH01909: www.example.com:443:0 server certificate does NOT include an ID which matches the server name`,
        `${head} [mpm_event:notice] [pid ${int(1000, 1100)}:tid ${int(139_000_000_000_000, 140_999_999_999_999)}] AH00489: Apache/2.4.58 (Ubuntu) OpenSSL/3.0.13 configured -- resuming normal operations`,
        `${head} [core:notice] [pid ${int(1000, 1100)}:tid ${int(139_000_000_000_000, 140_999_999_999_999)}] AH00094: Command line: '/usr/sbin/apache2'`,
        `${head} [mpm_event:error] [pid ${int(1000, 1100)}:tid ${int(139_000_000_000_000, 140_999_999_999_999)}] AH00484: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting`,
        `${head} [rewrite:trace3] ${proc} ${client} mod_rewrite.c(480): applying pattern '^/old/(.*)$' to uri '/old/page'`,
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}

function hdfs(): string {
  const nodes = [
    "10.251.73.220",
    "10.250.19.102",
    "10.251.42.84",
    "10.251.30.6",
    "10.251.90.64",
    "10.251.71.16",
  ];
  const block = () => `blk_${random() < 0.5 ? "-" : ""}${int(1e15, 9e15)}${int(100, 999)}`;
  const lines: string[] = [];
  for (const t of timeline(240, Date.UTC(2008, 10, 9, 20, 35, 15), 3000)) {
    const d = new Date(t);
    const ts = `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
    const head = `${ts} ${int(13, 9000)}`;
    const node = skewed(nodes);
    lines.push(
      pick([
        `${head} INFO dfs.DataNode$DataXceiver: Receiving block ${block()} src: /${node}:${int(30000, 60000)} dest: /${node}:50010`,
        `${head} INFO dfs.DataNode$PacketResponder: PacketResponder ${int(0, 2)} for block ${block()} terminating`,
        `${head} INFO dfs.DataNode$PacketResponder: Received block ${block()} of size 67108864 from /${node}`,
        `${head} INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: ${node}:50010 is added to ${block()} size 67108864`,
        `${head} INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/_task_200811092030_0001_m_000${int(100, 999)}_0/part-00${int(100, 999)}. ${block()}`,
        `${head} INFO dfs.DataNode$DataXceiver: ${node}:50010 Served block ${block()} to /${node}`,
        `${head} INFO dfs.FSDataset: Deleting block ${block()} file /mnt/hadoop/dfs/data/current/subdir${int(1, 60)}/${block()}`,
        `${head} WARN dfs.DataNode$DataXceiver: ${node}:50010:Got exception while serving ${block()} to /${node}:`,
        `${head} WARN dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: Redundant addStoredBlock request received for ${block()} on ${node}:50010 size 67108864`,
        `${head} ERROR dfs.DataNode$DataXceiver: ${node}:50010:DataXceiver: java.io.IOException: Block ${block()} is valid, and cannot be written to.`,
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** log4j `%d{ISO8601} %-5p [%t] %c - %m%n`, with multi-line stack traces after some errors. */
function log4j(): string {
  const lines: string[] = [];
  for (const t of timeline(120, Date.UTC(2026, 11, 5, 10, 0, 0), 1500)) {
    const d = new Date(t);
    const ts = `2026-12-05 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},${pad(d.getUTCMilliseconds(), 3)}`;
    const thread = pick([
      "main",
      "http-nio-8080-exec-3",
      "http-nio-8080-exec-7",
      "scheduling-1",
      "HikariPool-1 housekeeper",
    ]);
    const order = int(1, 5000);
    const kind = random();
    if (kind < 0.55) {
      lines.push(
        pick([
          `${ts} INFO  [${thread}] com.example.orders.OrderController - GET /api/orders/${order} 200 in ${int(2, 90)} ms`,
          `${ts} INFO  [${thread}] com.example.orders.OrderService - Order ${order} shipped to warehouse ${int(1, 9)}`,
          `${ts} DEBUG [${thread}] org.hibernate.SQL - select o1_0.id,o1_0.status from orders o1_0 where o1_0.id=?`,
        ]),
      );
    } else if (kind < 0.75) {
      lines.push(
        pick([
          `${ts} WARN  [${thread}] com.zaxxer.hikari.pool.HikariPool - HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=${int(61, 99)}s).`,
          `${ts} WARN  [${thread}] com.example.orders.PaymentClient - Retrying payment for order ${order} (attempt ${int(2, 4)})`,
        ]),
      );
    } else if (kind < 0.88) {
      lines.push(`${ts} ERROR [${thread}] com.example.orders.OrderService - Failed to load order ${order}`);
      lines.push(`java.lang.IllegalStateException: order ${order} not found`);
      lines.push("\tat com.example.orders.OrderService.load(OrderService.java:88)");
      lines.push("\tat com.example.orders.OrderController.get(OrderController.java:31)");
      lines.push(
        "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
      );
      if (random() < 0.5) {
        lines.push(
          "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.",
        );
        lines.push("\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)");
        lines.push(`\t... ${int(20, 60)} more`);
      }
    } else if (kind < 0.95) {
      lines.push(
        `${ts} ERROR [${thread}] com.example.orders.PaymentClient - Payment gateway call failed for order ${order}`,
      );
      lines.push("java.net.SocketTimeoutException: Read timed out");
      lines.push("\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)");
      lines.push("\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)");
    } else {
      lines.push(
        `${ts} ERROR [${thread}] com.example.orders.OrderService - Order ${order} rejected: insufficient stock`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** nginx `combined`; `day` shifts the date so the rotated copy covers the day before. */
function nginxAccess(day: number, count: number): string {
  const clients = [
    "203.0.113.9",
    "198.51.100.4",
    "192.0.2.33",
    "203.0.113.250",
    "2001:db8::7",
    "198.51.100.61",
    "192.0.2.140",
  ];
  const paths = [
    "/",
    "/index.html",
    "/api/orders?page=2",
    "/api/orders/17",
    "/static/app.3f9a1c.js",
    "/login",
    "/wp-login.php",
    "/.env",
    "/healthz",
  ];
  const agents = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "curl/8.5.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "python-requests/2.31.0",
    "-",
  ];
  const lines: string[] = [];
  for (const t of timeline(count, Date.UTC(2026, 11, day, 8, 0, 0), 20000)) {
    const d = new Date(t);
    const ts = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
    const status = pick([200, 200, 200, 200, 200, 304, 301, 404, 404, 403, 401, 499, 500, 502, 503, 504]);
    const method = pick(["GET", "GET", "GET", "POST", "HEAD"]);
    const size = status === 304 ? 0 : int(0, 40000);
    const referer = random() < 0.3 ? "https://www.example.com/" : "-";
    const user = random() < 0.05 ? "alice" : "-";
    lines.push(
      `${skewed(clients)} - ${user} [${ts}] "${method} ${pick(paths)} HTTP/1.1" ${status} ${size} "${referer}" "${pick(agents)}"`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * An application log of a legacy service that writes Latin-1, with broken UTF-8 too: a cut
 * multi-byte sequence, a lone continuation byte, an overlong encoding and 0xFF.
 */
function invalidUtf8(): Buffer {
  const parts: Buffer[] = [];
  const names = [
    Buffer.from("Jos\xe9 Mu\xf1oz", "latin1"),
    Buffer.from("Fran\xe7ois", "latin1"),
    Buffer.from([0x4b, 0xc3]), // "K" and the first byte of a two-byte sequence, cut
    Buffer.from([0x80, 0x41, 0x42]), // a lone continuation byte
    Buffer.from([0xc0, 0xaf, 0x65, 0x74, 0x63]), // overlong "/" then "etc"
    Buffer.from([0xff, 0xfe, 0x58]),
    Buffer.from("Zo\u00eb", "utf8"), // valid UTF-8 among them
  ];
  for (const t of timeline(90, Date.UTC(2026, 11, 5, 12, 0, 0), 4000)) {
    const d = new Date(t);
    const ts = `2026-12-05T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`;
    const level = pick(["INFO", "INFO", "INFO", "WARN", "ERROR"]);
    const client = skewed(["192.0.2.33", "198.51.100.4", "203.0.113.9"]);
    const name = pick(names);
    const text =
      level === "ERROR"
        ? ["EncodingError: cannot store customer name '", name, `' from ${client}`]
        : ["customer '", name, `' updated profile from ${client}`];
    parts.push(Buffer.from(`${ts} ${level} `), Buffer.from(text[0] as string));
    parts.push(text[1] as Buffer, Buffer.from(`${text[2] as string}\n`));
  }
  return Buffer.concat(parts);
}

mkdirSync(OUT, { recursive: true });
writeFileSync(path.join(OUT, "syslog-debian.log"), syslogDebian());
writeFileSync(path.join(OUT, "auth.log"), authLog());
writeFileSync(path.join(OUT, "apache-error.log"), apacheError());
writeFileSync(path.join(OUT, "hdfs.log"), hdfs());
writeFileSync(path.join(OUT, "log4j-stacktraces.log"), log4j());
writeFileSync(path.join(OUT, "nginx-access.log"), nginxAccess(5, 300));
// mtime 0 in the gzip header keeps the bytes the same on every run.
writeFileSync(path.join(OUT, "nginx-access.log.1.gz"), gzipSync(nginxAccess(4, 200), { level: 9 }));
writeFileSync(path.join(OUT, "app-invalid-utf8.log"), invalidUtf8());
