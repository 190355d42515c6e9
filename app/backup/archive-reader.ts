import { type Duplex, pipeline, type Readable } from "node:stream";
import { finished } from "node:stream/promises";
import type { Parser } from "tar";
import type { Store } from "../storage";
import { type CompressorPrograms, createDecompressStream } from "./compressors";
import type { ArchiveFormat } from "./naming";
import { Sha256Counter } from "./streams";

export interface OpenedArchive {
  /** The uncompressed tar stream. */
  tar: Duplex;
  /** Counts and hashes the stored bytes as they are read. */
  digest: Sha256Counter;
  /**
   * After `tar` failed (corrupt data), reads the rest of the stored bytes so `digest` still gets a
   * checksum: "SHA-256 mismatch" is the clearest verdict on a damaged archive. Never rejects.
   */
  drain(): Promise<void>;
}

/** Opens a stored archive as a tar stream, hashing the stored bytes on the way. */
export async function openArchive(
  store: Store,
  key: string,
  format: ArchiveFormat,
  options: {
    programs?: CompressorPrograms | undefined;
    signal?: AbortSignal | undefined;
    onBytes?: (n: number) => void;
  },
): Promise<OpenedArchive> {
  const decompress = await createDecompressStream(format, options.programs);
  const raw = await store.getStream(key);
  const digest = new Sha256Counter(options.onBytes);
  // Read errors reach the tar side; a decompression error does not stop the hashing side (see drain).
  pipeline(raw, digest, (error) => {
    if (error) decompress.destroy(error);
  });
  digest.pipe(decompress);
  if (options.signal) {
    const signal = options.signal;
    const abort = () => raw.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    digest.once("close", () => signal.removeEventListener("abort", abort));
  }
  const drain = async () => {
    digest.unpipe(decompress);
    if (digest.readableEnded || digest.destroyed) return;
    digest.resume();
    await finished(digest).catch(() => undefined);
  };
  return { tar: decompress, digest, drain };
}

/**
 * Pipes a tar stream into a node-tar Parser (or Unpack) and resolves when it has processed
 * every entry. node-tar parsers are not Node streams, hence this small adapter.
 */
export function feedParser(source: Readable, parser: Parser): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      source.unpipe();
      source.destroy();
      reject(error);
    };
    source.once("error", fail);
    parser.on("error", fail);
    parser.once("close", () => {
      if (settled) return;
      settled = true;
      resolve();
    });
    source.pipe(parser as unknown as NodeJS.WritableStream);
  });
}
