import { Worker } from "node:worker_threads";
import { compileEmbedded, instantiate, type WasmModule } from "../lib/webassembly";
import { GZIP_BLOCKS_WASM } from "./wasm/gzip-blocks.wasm";

/**
 * libdeflate's gzip compressor compiled to WebAssembly (app/backup/wasm/gzip-blocks.c), one
 * instance per thread: a block is copied into the instance's memory and compressed there into one
 * gzip member. Compressing allocates nothing however much goes through; node:zlib allocated a
 * fresh Buffer for every 64 KiB of output, which V8 let pile up outside its heap (~40 MiB of a
 * backup's peak). libdeflate is also faster than zlib at the same level (~1.2× here, in
 * WebAssembly, single-threaded).
 */

const FEATURE = "built-in gzip";

interface GzipBlocksExports {
  memory: { buffer: ArrayBuffer };
  gzip_blocks_init(level: number, blockSize: number): number;
  gzip_blocks_input(): number;
  gzip_blocks_output(): number;
  gzip_blocks_output_capacity(): number;
  gzip_blocks_compress(length: number): number;
}

let compiled: WasmModule | undefined;

/** Compiled once per thread, on first use. */
function gzipBlocksModule(): WasmModule {
  compiled ??= compileEmbedded(FEATURE, GZIP_BLOCKS_WASM);
  return compiled;
}

export class GzipBlockCompressor {
  /** Where the next block goes; compress() reads its first `length` bytes. */
  readonly input: Uint8Array;
  /** The largest gzip member a block can become. */
  readonly outputCapacity: number;
  private readonly wasm: GzipBlocksExports;
  private readonly outputAt: number;

  constructor(level: number, blockSize: number) {
    this.wasm = instantiate<GzipBlocksExports>(FEATURE, gzipBlocksModule());
    if (!this.wasm.gzip_blocks_init(level, blockSize)) {
      throw new Error(`${FEATURE}: cannot set up level ${level} for blocks of ${blockSize} bytes`);
    }
    // The memory never grows after init, so views made now stay valid.
    this.input = new Uint8Array(this.wasm.memory.buffer, this.wasm.gzip_blocks_input(), blockSize);
    this.outputAt = this.wasm.gzip_blocks_output();
    this.outputCapacity = this.wasm.gzip_blocks_output_capacity();
  }

  /** One gzip member of the input's first `length` bytes: a view that the next call overwrites. */
  compress(length: number): Uint8Array {
    const size = this.wasm.gzip_blocks_compress(length);
    if (size === 0) throw new Error(`${FEATURE}: a block of ${length} bytes did not compress`);
    return new Uint8Array(this.wasm.memory.buffer, this.outputAt, size);
  }
}

/**
 * The worker's whole program, plain JavaScript evaluated in the worker (no file to ship beside a
 * bundle, no TypeScript loader): the same instance as GzipBlockCompressor, fed and read through
 * two SharedArrayBuffers. A message is a block's length; the reply is its member's size.
 */
const WORKER_PROGRAM = `
const { parentPort, workerData } = require("node:worker_threads");
const { module, level, blockSize, input, output } = workerData;
const wasm = new WebAssembly.Instance(module, {}).exports;
if (!wasm.gzip_blocks_init(level, blockSize)) throw new Error("cannot set up level " + level);
const memory = new Uint8Array(wasm.memory.buffer);
const inputAt = wasm.gzip_blocks_input();
const outputAt = wasm.gzip_blocks_output();
const sharedInput = new Uint8Array(input);
const sharedOutput = new Uint8Array(output);
parentPort.on("message", (length) => {
  memory.set(sharedInput.subarray(0, length), inputAt);
  const size = wasm.gzip_blocks_compress(length);
  sharedOutput.set(memory.subarray(outputAt, outputAt + size));
  parentPort.postMessage(size);
});
`;

/** The worker compresses next to nothing in JavaScript; V8's default young generation would dominate it. */
const WORKER_YOUNG_GENERATION_MB = 1;

/**
 * A GzipBlockCompressor on a worker thread (~12 MiB resident: its isolate, its instance and the
 * two shared blocks). One block at a time: start(), then result() before the next start().
 */
export class GzipBlockWorker {
  readonly input: Uint8Array;
  private readonly output: Uint8Array;
  private readonly worker: Worker;
  private waiting: { resolve(size: number): void; reject(error: Error): void } | undefined;
  private running: Promise<number> | undefined;
  private failure: Error | undefined;
  private closing = false;

  constructor(level: number, blockSize: number, outputCapacity: number) {
    const input = new SharedArrayBuffer(blockSize);
    const output = new SharedArrayBuffer(outputCapacity);
    this.input = new Uint8Array(input);
    this.output = new Uint8Array(output);
    this.worker = new Worker(WORKER_PROGRAM, {
      eval: true,
      execArgv: [],
      workerData: { module: gzipBlocksModule(), level, blockSize, input, output },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.worker.on("message", (size: number) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (size === 0) waiting?.reject(new Error(`${FEATURE}: a block did not compress`));
      else waiting?.resolve(size);
    });
    this.worker.on("error", (error) => this.fail(new Error(`${FEATURE}: worker thread: ${error.message}`)));
    this.worker.on("exit", (code) => {
      if (!this.closing) this.fail(new Error(`${FEATURE}: worker thread exited (code ${code})`));
    });
  }

  /** Compresses the input's first `length` bytes on the worker. */
  start(length: number): void {
    if (this.running) throw new Error(`${FEATURE}: a block is still compressing`);
    this.running = new Promise<number>((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.waiting = { resolve, reject };
    });
    // Awaited by result(); until then a failure must not count as an unhandled rejection.
    this.running.catch(() => undefined);
    if (!this.failure) this.worker.postMessage(length);
  }

  /** The started block's gzip member: a view that the next start() overwrites. */
  async result(): Promise<Uint8Array> {
    const running = this.running;
    if (!running) throw new Error(`${FEATURE}: no block was started`);
    try {
      return this.output.subarray(0, await running);
    } finally {
      this.running = undefined;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.waiting?.reject(this.failure);
    this.waiting = undefined;
  }
}
