import { createCipheriv, createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { seededRandom } from "../test/support/log-generator";

/**
 * A seeded, reproducible "server-like" tree for the backup benchmark: logs, text/source files,
 * incompressible binaries and thousands of small config files, in roughly the proportions a
 * real `/etc` + `/var/www` + `/var/log` backup has. The same seed and size give the same bytes.
 */
export interface MixedTreeOptions {
  root: string;
  totalBytes: number;
  seed: number;
}

export interface MixedTreeStats {
  files: number;
  bytes: number;
}

/** Share of the total bytes each kind gets. */
const MIX = { logs: 0.35, text: 0.25, binary: 0.3, small: 0.1 } as const;

function between(rand: () => number, min: number, max: number): number {
  return Math.floor(min + rand() * (max - min));
}

function vocabulary(rand: () => number, size: number): string[] {
  const syllables = [
    "ka",
    "to",
    "re",
    "mi",
    "an",
    "el",
    "so",
    "qu",
    "ir",
    "on",
    "de",
    "la",
    "st",
    "ng",
    "pr",
    "ex",
  ];
  const words: string[] = [];
  for (let i = 0; i < size; i++) {
    let w = "";
    const n = between(rand, 1, 5);
    for (let j = 0; j < n; j++) w += syllables[between(rand, 0, syllables.length)];
    words.push(w);
  }
  return words;
}

/** Picks with a skew towards the first entries, as word frequencies in real text are skewed. */
function skewed<T>(rand: () => number, items: readonly T[]): T {
  const r = rand();
  return items[Math.floor(r * r * items.length)] as T;
}

async function writeChunks(
  file: string,
  produce: (write: (s: string | Buffer) => Promise<void>) => Promise<void>,
) {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const write = async (chunk: string | Buffer) => {
    if (!out.write(chunk)) await once(out, "drain");
  };
  await produce(write);
  out.end();
  await once(out, "finish");
}

async function writeLog(file: string, bytes: number, rand: () => number, words: string[]) {
  const hosts = ["web01", "web02", "db01"];
  const procs = ["nginx", "sshd", "cron", "app", "postgres", "kernel"];
  const levels = ["INFO", "INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];
  const paths = ["/api/v1/items", "/api/v1/users", "/health", "/static/app.js", "/login"];
  let written = 0;
  let t = Date.UTC(2026, 10, 1) + between(rand, 0, 86_400_000);
  await writeChunks(file, async (write) => {
    while (written < bytes) {
      let block = "";
      for (let i = 0; i < 2000; i++) {
        t += between(rand, 0, 900);
        const ts = new Date(t).toISOString();
        const host = skewed(rand, hosts);
        const proc = skewed(rand, procs);
        let line: string;
        if (proc === "nginx") {
          const ip = `10.${between(rand, 0, 4)}.${between(rand, 0, 256)}.${between(rand, 1, 255)}`;
          const status = skewed(rand, [200, 200, 304, 404, 500, 502]);
          line = `${ts} ${host} nginx[${between(rand, 100, 999)}]: ${ip} - - "GET ${skewed(rand, paths)}/${between(rand, 1, 5000)} HTTP/1.1" ${status} ${between(rand, 100, 90000)}\n`;
        } else {
          const msg = Array.from({ length: between(rand, 4, 14) }, () => skewed(rand, words)).join(" ");
          line = `${ts} ${host} ${proc}[${between(rand, 100, 9999)}]: ${skewed(rand, levels)} ${msg}\n`;
        }
        block += line;
      }
      const buf = Buffer.from(block.slice(0, Math.max(0, bytes - written)));
      written += buf.length;
      await write(buf);
    }
  });
}

async function writeText(file: string, bytes: number, rand: () => number, words: string[]) {
  let written = 0;
  await writeChunks(file, async (write) => {
    while (written < bytes) {
      let block = "";
      for (let i = 0; i < 1000; i++) {
        const indent = " ".repeat(2 * between(rand, 0, 4));
        block += `${indent}${Array.from({ length: between(rand, 3, 12) }, () => skewed(rand, words)).join(" ")}\n`;
      }
      const buf = Buffer.from(block.slice(0, Math.max(0, bytes - written)));
      written += buf.length;
      await write(buf);
    }
  });
}

/** AES-CTR over zeros: seeded, incompressible and fast enough to generate gigabytes. */
async function writeBinary(file: string, bytes: number, seed: string) {
  const key = createHash("sha256").update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  let written = 0;
  await writeChunks(file, async (write) => {
    while (written < bytes) {
      const n = Math.min(zeros.length, bytes - written);
      written += n;
      await write(cipher.update(zeros.subarray(0, n)));
    }
  });
}

/**
 * Generates the tree under `root` unless a complete one with the same seed and size is already there
 * (generation of 1 GiB takes a while; the marker makes a half-generated tree regenerate).
 */
export async function ensureMixedTree(options: MixedTreeOptions): Promise<MixedTreeStats> {
  // The marker sits beside the tree, not in it, so it is not part of what gets backed up.
  const marker = `${options.root}.complete.json`;
  try {
    const done = JSON.parse(await fs.readFile(marker, "utf8")) as MixedTreeStats & MixedTreeOptions;
    if (done.seed === options.seed && done.totalBytes === options.totalBytes) return done;
  } catch {
    // no marker: generate
  }
  await fs.rm(options.root, { recursive: true, force: true });
  const rand = seededRandom(options.seed);
  const words = vocabulary(rand, 3000);
  let files = 0;
  let bytes = 0;

  const logBudget = options.totalBytes * MIX.logs;
  for (let i = 0; bytes < logBudget; i++) {
    const size = Math.min(between(rand, 1 << 20, 48 << 20), Math.ceil(logBudget - bytes));
    await writeLog(path.join(options.root, "var/log", `app-${i}.log`), size, rand, words);
    files++;
    bytes += size;
  }
  const textBudget = bytes + options.totalBytes * MIX.text;
  for (let i = 0; bytes < textBudget; i++) {
    const size = Math.min(between(rand, 4 << 10, 2 << 20), Math.ceil(textBudget - bytes));
    await writeText(path.join(options.root, "srv/www", `dir-${i % 40}`, `page-${i}.txt`), size, rand, words);
    files++;
    bytes += size;
  }
  const binaryBudget = bytes + options.totalBytes * MIX.binary;
  for (let i = 0; bytes < binaryBudget; i++) {
    const size = Math.min(between(rand, 64 << 10, 24 << 20), Math.ceil(binaryBudget - bytes));
    await writeBinary(path.join(options.root, "srv/media", `blob-${i}.bin`), size, `${options.seed}-${i}`);
    files++;
    bytes += size;
  }
  for (let i = 0; bytes < options.totalBytes; i++) {
    const size = Math.min(between(rand, 100, 8 << 10), options.totalBytes - bytes);
    const dir = path.join(options.root, "etc", `conf-${i % 97}`, `sub-${i % 13}`);
    await writeText(path.join(dir, `setting-${i}.conf`), size, rand, words);
    files++;
    bytes += size;
  }

  const stats: MixedTreeStats = { files, bytes };
  await fs.writeFile(marker, JSON.stringify({ ...options, ...stats }));
  return stats;
}
