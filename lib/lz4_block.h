/* SPDX-License-Identifier: BSD-2-Clause */
/* A decoder of one LZ4 block (lz4/doc/lz4_Block_format.md), for the unpack stub of
 * BOOTAA64.EFI (efi/unpack/): small, bounds-checked on every read and write. Its reference
 * is liblz4's LZ4_decompress_safe() (tests/unit/test_lz4_block.c, tests/fuzz/fuzz_lz4.c):
 * the same output for every stream it accepts, and it accepts every stream liblz4's
 * compressors make. It logs nothing: the stub has no log, and the caller knows what it
 * was decoding. */
#ifndef KASLBOOT_LIB_LZ4_BLOCK_H
#define KASLBOOT_LIB_LZ4_BLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the block src[0, src_len) into dst[0, dst_cap). 0 and the decoded length in
 * *out_len, or KB_ECORRUPT for a stream that is corrupt, truncated, breaks an end-of-block
 * rule or would write past dst_cap (dst then holds an undefined part of the output). */
int lz4_block_decode(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_cap,
		     size_t *out_len);

#endif
