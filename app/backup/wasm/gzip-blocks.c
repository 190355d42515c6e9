/*
 * opsdeck's built-in gzip: one libdeflate compressor in a WebAssembly instance, with an input
 * block and an output area allocated once. JavaScript copies a block into `gzip_blocks_input()`,
 * calls `gzip_blocks_compress(n)` and reads the gzip member from `gzip_blocks_output()`: the
 * instance's memory is all it ever uses, however much it compresses.
 *
 * Built by `npm run build:wasm` (scripts/build-wasm.ts) against vendor/libdeflate.
 */
#include <stdlib.h>

#include "libdeflate.h"

#define EXPORT(name) __attribute__((export_name(name)))

static struct libdeflate_compressor *compressor;
static unsigned char *input;
static unsigned char *output;
static size_t input_capacity;
static size_t output_capacity;

/* Sets up the compressor for `level` (1-12) and blocks of up to `block_size` bytes; 0 on failure. */
EXPORT("gzip_blocks_init") int gzip_blocks_init(int level, size_t block_size) {
  if (compressor) return 0;
  compressor = libdeflate_alloc_compressor(level);
  if (!compressor) return 0;
  input_capacity = block_size;
  output_capacity = libdeflate_gzip_compress_bound(compressor, block_size);
  input = malloc(input_capacity);
  output = malloc(output_capacity);
  return input != NULL && output != NULL;
}

EXPORT("gzip_blocks_input") unsigned char *gzip_blocks_input(void) { return input; }

EXPORT("gzip_blocks_output") unsigned char *gzip_blocks_output(void) { return output; }

EXPORT("gzip_blocks_output_capacity") size_t gzip_blocks_output_capacity(void) { return output_capacity; }

/* Compresses the first `n` input bytes into one gzip member; its length, or 0 if n is too large. */
EXPORT("gzip_blocks_compress") size_t gzip_blocks_compress(size_t n) {
  if (n > input_capacity) return 0;
  return libdeflate_gzip_compress(compressor, input, n, output, output_capacity);
}
