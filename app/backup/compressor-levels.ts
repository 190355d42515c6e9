// The compressors a backup may name and their levels, apart from config.ts's schemas: creating a
// backup needs these but no zod (classic zod costs ~12 MiB of a backup process's resident memory).

export const compressorNames = ["gzip", "pigz", "zstd"] as const;
export type CompressorName = (typeof compressorNames)[number];

/** Levels each compressor accepts, and the level used when none is given. */
export const COMPRESSOR_LEVELS: Record<CompressorName, { min: number; max: number; default: number }> = {
  gzip: { min: 1, max: 9, default: 6 },
  pigz: { min: 1, max: 9, default: 6 },
  zstd: { min: 1, max: 19, default: 3 },
};
