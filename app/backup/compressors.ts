import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import type { Duplex } from "node:stream";
import { createGunzip } from "node:zlib";
import { BlockGzip, defaultGzipThreads } from "./block-gzip";
import { COMPRESSOR_LEVELS, type CompressorName } from "./compressor-levels";
import type { ArchiveFormat } from "./naming";
import { CompressorError, ProcessFilter } from "./process-filter";

export { CompressorError } from "./process-filter";

/** Program names (or paths) of the external compressors; tests point them at missing binaries. */
export interface CompressorPrograms {
  pigz?: string;
  zstd?: string;
}

export interface CompressorRequest {
  name: CompressorName;
  level?: number | undefined;
  threads?: number | undefined;
}

/** A compressor ready to use: what it is, and a fresh stream per archive. */
export interface Compressor {
  name: CompressorName;
  format: ArchiveFormat;
  level: number;
  threads: number;
  /** "gzip -6 (built-in libdeflate, 2 threads)" — for logs and the manifest. */
  description: string;
  createStream(): Duplex;
  /**
   * A stream that writes its output to `fd` itself (a local store's file): the external programs
   * get it as their stdout, so the archive's bytes never come back through node; built-in gzip
   * writes its members there from WebAssembly memory. The readable side carries nothing and ends
   * once all is written (a program: once it exited with status 0).
   */
  createStreamInto?(fd: number): Duplex;
}

export interface CompressorSelection {
  compressor: Compressor;
  requested: CompressorName;
  /** Set when the requested compressor was unavailable and another one is used instead. */
  fallback?: string;
}

const availability = new Map<string, Promise<boolean>>();

/** Whether `program --version` runs; cached per program for the life of the process. */
export function isProgramAvailable(program: string): Promise<boolean> {
  let known = availability.get(program);
  if (!known) {
    known = new Promise<boolean>((resolve) => {
      const child = spawn(program, ["--version"], { stdio: "ignore" });
      child.on("error", () => resolve(false));
      child.on("close", (code) => resolve(code === 0));
    });
    availability.set(program, known);
  }
  return known;
}

function builtinGzip(level: number, threads: number): Compressor {
  return {
    name: "gzip",
    format: "gzip",
    level,
    threads,
    description: `gzip -${level} (built-in libdeflate, ${threads} thread${threads === 1 ? "" : "s"})`,
    createStream: () => new BlockGzip({ level, threads }),
    createStreamInto: (fd) => new BlockGzip({ level, threads, fd }),
  };
}

/**
 * zstd's multi-threaded job size. Its default at level 3 (8 MiB and more per job) puts zstd's own
 * process at ~68 MiB with two threads; 4 MiB jobs take it to ~36 MiB at the same speed, and cost
 * 0.004% in size on the benchmark tree.
 */
const ZSTD_JOB_BYTES = 4 * 1024 * 1024;

function external(name: "pigz" | "zstd", program: string, level: number, threads: number): Compressor {
  const args =
    name === "pigz"
      ? ["-c", `-${level}`, "-p", String(threads)]
      : ["-c", "-q", "--no-progress", `-${level}`, `-T${threads}`, `-B${ZSTD_JOB_BYTES}`];
  return {
    name,
    format: name === "pigz" ? "gzip" : "zstd",
    level,
    threads,
    description: `${name} -${level} (${program}, ${threads} threads)`,
    createStream: () => new ProcessFilter(program, args),
    createStreamInto: (fd) => new ProcessFilter(program, args, { stdoutFd: fd }),
  };
}

/**
 * Picks the compressor a backup asked for. pigz and zstd are external programs: when one is missing
 * the backup still runs with built-in gzip, and `fallback` says what happened and how to fix it.
 */
export async function selectCompressor(
  request: CompressorRequest,
  programs: CompressorPrograms = {},
): Promise<CompressorSelection> {
  const range = COMPRESSOR_LEVELS[request.name];
  const level = request.level ?? range.default;
  if (!Number.isInteger(level) || level < range.min || level > range.max) {
    throw new CompressorError(
      `compressor.level: expected ${range.min}-${range.max} for ${request.name}, got ${level}`,
    );
  }
  const cpus = availableParallelism();
  if (request.name === "gzip") {
    return { requested: "gzip", compressor: builtinGzip(level, request.threads ?? defaultGzipThreads()) };
  }
  const program = programs[request.name] ?? request.name;
  // zstd -3 runs at ~300 MB/s a thread, no faster than the tar side: a second thread (~15 MiB) keeps
  // it off the critical path. More buy nothing while the tar side is one thread.
  const threads = request.threads ?? (request.name === "zstd" ? Math.min(2, cpus) : cpus);
  if (await isProgramAvailable(program)) {
    return { requested: request.name, compressor: external(request.name, program, level, threads) };
  }
  const gzipLevel = level <= COMPRESSOR_LEVELS.gzip.max ? level : COMPRESSOR_LEVELS.gzip.default;
  const consequence = request.name === "zstd" ? "; the archive will be .tar.gz instead of .tar.zst" : "";
  return {
    requested: request.name,
    compressor: builtinGzip(gzipLevel, request.threads ?? defaultGzipThreads()),
    fallback:
      `${request.name} is not installed (${program} not found on PATH); using built-in gzip -${gzipLevel} instead` +
      `${consequence}. Install the Debian/Ubuntu package "${request.name}" to use it.`,
  };
}

/** A stream that turns an archive of `format` back into tar. */
export async function createDecompressStream(
  format: ArchiveFormat,
  programs: CompressorPrograms = {},
): Promise<Duplex> {
  if (format === "gzip") return createGunzip({ chunkSize: 128 * 1024 });
  const program = programs.zstd ?? "zstd";
  if (!(await isProgramAvailable(program))) {
    throw new CompressorError(
      `this archive is zstd-compressed and ${program} is not installed; install the Debian/Ubuntu package "zstd" to read it`,
    );
  }
  return new ProcessFilter(program, ["-d", "-c", "-q", "--no-progress"]);
}
