/**
 * Compiles opsdeck's WebAssembly modules from their sources and embeds each, as base64, in a
 * TypeScript module beside its source: every bundle and worker thread then carries the module
 * without a file to ship next to it, and no build step stands between a checkout and a run.
 *
 * - the log scan, from AssemblyScript (app/logs/wasm/message-scan.as.ts), by the npm compiler;
 * - the built-in gzip, from C (app/backup/wasm/gzip-blocks.c with vendor/libdeflate), by clang for
 *   wasm32-wasi with wasi-libc (Debian: clang lld wasi-libc libclang-rt-14-dev-wasm32).
 *
 *   npm run build:wasm            rewrite both embedded modules
 *   npm run build:wasm -- --check fail when one is not what its source compiles to (tests check the same)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");

export interface WasmModule {
  /** The source file, relative to the repository. */
  source: string;
  /** The generated TypeScript module, relative to the repository. */
  embedded: string;
  /** The constant the generated module exports. */
  constant: string;
  compile(): Promise<Uint8Array>;
  /** Names the compiler and its version for the generated file's header. */
  compiler(): string;
}

// ---- the log scan: AssemblyScript -------------------------------------------------------------

/** -O3 for speed; SIMD is in every Node the agent supports (x64 and arm64). */
const ASC_OPTIONS = {
  optimizeLevel: 3,
  shrinkLevel: 0,
  noAssert: true,
  runtime: "stub",
  enable: ["simd"],
};

/** The part of the compiler's API used here (its own typings declare globals that clash with Node's). */
interface AssemblyScriptCompiler {
  compileString(
    sources: Record<string, string>,
    options: typeof ASC_OPTIONS,
  ): Promise<{ error: Error | null; binary: Uint8Array | null; stderr: { toString(): string } }>;
}

export const messageScan: WasmModule = {
  source: "app/logs/wasm/message-scan.as.ts",
  embedded: "app/logs/wasm/message-scan.wasm.ts",
  constant: "MESSAGE_SCAN_WASM",
  async compile() {
    // The compiler is an ES module (this project is CommonJS); a computed name keeps tsc from
    // loading its typings.
    const name = "assemblyscript/asc";
    const asc = ((await import(name)) as { default: AssemblyScriptCompiler }).default;
    const result = await asc.compileString(
      { "message-scan.ts": readFileSync(path.join(ROOT, this.source), "utf8") },
      ASC_OPTIONS,
    );
    if (result.error || !result.binary) {
      throw new Error(`AssemblyScript: ${result.error?.message ?? "no binary"}\n${result.stderr.toString()}`);
    }
    return result.binary;
  },
  compiler() {
    const { version } = JSON.parse(readFileSync(require.resolve("assemblyscript/package.json"), "utf8")) as {
      version: string;
    };
    return `AssemblyScript ${version}`;
  },
};

// ---- the built-in gzip: C, libdeflate ---------------------------------------------------------

const LIBDEFLATE = "vendor/libdeflate";
const LIBDEFLATE_SOURCES = ["deflate_compress.c", "gzip_compress.c", "crc32.c", "utils.c"];

/** Where Debian's wasi-libc puts its headers and libc.a. */
const WASI_INCLUDE = "/usr/include/wasm32-wasi";
const WASI_LIB = "/usr/lib/wasm32-wasi";
const TARGET = ["--target=wasm32-wasi", "--sysroot=/usr"];

function clang(args: string[]): string {
  try {
    return execFileSync("clang", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === "ENOENT") {
      throw new Error(
        "clang is not installed; the gzip module needs clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 (Debian/Ubuntu)",
      );
    }
    throw new Error(`clang failed:\n${stderr ?? String(error)}`);
  }
}

export const gzipBlocks: WasmModule = {
  source: "app/backup/wasm/gzip-blocks.c",
  embedded: "app/backup/wasm/gzip-blocks.wasm.ts",
  constant: "GZIP_BLOCKS_WASM",
  async compile() {
    const dir = mkdtempSync(path.join(tmpdir(), "opsdeck-wasm-"));
    const out = path.join(dir, "gzip-blocks.wasm");
    try {
      // Relative paths and no debug information keep the binary the same on every machine. The
      // link step gets no -O: with one, clang also runs binaryen's wasm-opt when one is on PATH
      // (npm puts the AssemblyScript compiler's there), and the binary would depend on PATH.
      const objects = [this.source, ...LIBDEFLATE_SOURCES.map((file) => `${LIBDEFLATE}/lib/${file}`)].map(
        (file, i) => {
          const object = path.join(dir, `${i}-${path.basename(file, ".c")}.o`);
          clang([
            ...TARGET,
            "-isystem",
            WASI_INCLUDE,
            "-O3",
            "-msimd128",
            "-flto",
            "-I",
            LIBDEFLATE,
            "-c",
            "-o",
            object,
            file,
          ]);
          return object;
        },
      );
      clang([
        ...TARGET,
        "-nostartfiles",
        "-Wl,--no-entry",
        "-Wl,--strip-all",
        "-Wl,--lto-O3",
        `-Wl,-L${WASI_LIB}`,
        "-o",
        out,
        ...objects,
        "-lc",
      ]);
      return new Uint8Array(readFileSync(out));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  compiler() {
    const version = /version (\S+)/.exec(clang(["--version"]))?.[1] ?? "unknown";
    return `clang ${version}, libdeflate 1.23`;
  },
};

export const wasmModules: readonly WasmModule[] = [messageScan, gzipBlocks];

export function embeddedModuleText(module: WasmModule, binary: Uint8Array): string {
  const base64 = Buffer.from(binary).toString("base64");
  const lines = base64.match(/.{1,100}/g) ?? [];
  return [
    `// Generated by \`npm run build:wasm\` from ${path.basename(module.source)} (${module.compiler()}). Do not edit.`,
    `export const ${module.constant} =`,
    `  "${lines.join('" +\n  "')}";`,
    "",
  ].join("\n");
}

/** Whether the committed module is what its source compiles to now. */
export async function isEmbeddedCurrent(module: WasmModule): Promise<boolean> {
  const text = embeddedModuleText(module, await module.compile());
  return readFileSync(path.join(ROOT, module.embedded), "utf8") === text;
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  let status = 0;
  for (const module of wasmModules) {
    if (check) {
      if (await isEmbeddedCurrent(module)) {
        console.log(`${module.embedded} is what ${module.source} compiles to`);
      } else {
        console.error(
          `${module.embedded} differs from what ${module.source} compiles to; run npm run build:wasm`,
        );
        status = 1;
      }
      continue;
    }
    writeFileSync(path.join(ROOT, module.embedded), embeddedModuleText(module, await module.compile()));
    console.log(`wrote ${module.embedded}`);
  }
  return status;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`build:wasm: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
