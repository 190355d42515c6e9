/** A compiled WebAssembly module (it may be posted to worker threads). */
export type WasmModule = object;

/** The WebAssembly API opsdeck uses (Node has it; the ES library typings do not, and DOM's would bring the rest). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}

/**
 * The WebAssembly API, looked up when `feature` first needs it rather than at import, so commands
 * that use no WebAssembly still run where it is off.
 */
export function webAssembly(feature: string): WebAssemblyApi {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) throw new Error(`${feature} needs WebAssembly, which this Node has disabled (--jitless?)`);
  return api;
}

/** Compiles base64-embedded module bytes (see scripts/build-wasm.ts). */
export function compileEmbedded(feature: string, base64: string): WasmModule {
  return new (webAssembly(feature).Module)(Buffer.from(base64, "base64"));
}

export function instantiate<Exports>(feature: string, module: WasmModule): Exports {
  return new (webAssembly(feature).Instance)(module, {}).exports as Exports;
}
