/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/lz4_block.c, the decoder of BOOTAA64.EFI's unpack stub, against liblz4.
 * The input is a 16-bit output capacity (little-endian, at most CAP_MAX), a mode byte, then
 * the bytes. Each buffer is an exact-size heap block: ASan catches any read past the
 * block or write past the capacity.
 * Invariants:
 * - the bytes as an LZ4 block: whatever lz4_block_decode() accepts, LZ4_decompress_safe()
 *   with the same capacity decodes to the same length and bytes (ours may refuse more:
 *   offset 0 and the end-of-block rules that liblz4's fast path skips); a refusal is
 *   KB_ECORRUPT, and nothing is logged;
 * - the bytes as data: LZ4_compress_HC at the level the mode byte picks (1..12; the
 *   build uses 12) or LZ4_compress_default (mode 0) makes a block that ours decodes to
 *   exactly those bytes into an exact-size buffer, and refuses with one byte less of
 *   room. */
#include <lz4.h>
#include <lz4hc.h>

#include "fuzz.h"
#include "lib/err.h"
#include "lib/lz4_block.h"

#define CAP_MAX (64u << 10) /* keeps every block inside ASan's primary allocator */

static LZ4_streamHC_t hc_state_mem;
static LZ4_stream_t fast_state_mem;
static void *const hc_state = &hc_state_mem, *const fast_state = &fast_state_mem;

static int decode(const uint8_t *src, size_t len, size_t cap, uint8_t **out, size_t *n)
{
	uint8_t *dst = malloc(cap ? cap : 1);
	int rc;

	FUZZ_CHECK(dst != NULL);
	rc = lz4_block_decode(src, len, dst, cap, n);
	FUZZ_CHECKF(rc == 0 || rc == KB_ECORRUPT, "lz4_block_decode returned %d", rc);
	*out = dst;
	return rc;
}

FUZZ_REFERENCE static int reference(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
	return LZ4_decompress_safe((const char *)src, (char *)dst, (int)len, (int)cap);
}

static void as_block(const uint8_t *data, size_t size, size_t cap)
{
	uint8_t *src = fuzz_dup(data, size), *out, *ref = malloc(cap ? cap : 1);
	size_t n;
	int r;

	FUZZ_CHECK(ref != NULL);
	if (!decode(src, size, cap, &out, &n)) {
		r = reference(src, size, ref, cap);
		FUZZ_CHECKF(r >= 0 && (size_t)r == n, "ours decodes %zu bytes, liblz4 %d", n, r);
		FUZZ_CHECK(!memcmp(out, ref, n));
	}
	free(out);
	free(ref);
	free(src);
}

static void as_data(const uint8_t *data, size_t size, int level)
{
	int bound = LZ4_compressBound((int)size), len;
	char *block = malloc((size_t)bound);
	uint8_t *packed, *out;
	size_t n;

	FUZZ_CHECK(block != NULL);
	/* In a static state: liblz4 would otherwise allocate its ~256 KiB per call, which
	 * ASan maps and unmaps every time. */
	len = level ? LZ4_compress_HC_extStateHC(hc_state, (const char *)data, block, (int)size,
						 bound, level) :
		      LZ4_compress_fast_extState(fast_state, (const char *)data, block, (int)size,
						 bound, 1);
	FUZZ_CHECK(len > 0);
	packed = fuzz_dup(block, (size_t)len);
	free(block);
	FUZZ_CHECKF(!decode(packed, (size_t)len, size, &out, &n), "a block liblz4 made is refused");
	FUZZ_CHECK(n == size && !memcmp(out, data, size));
	free(out);
	if (size) {
		FUZZ_CHECK(decode(packed, (size_t)len, size - 1, &out, &n) == KB_ECORRUPT);
		free(out);
	}
	free(packed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t cap = fuzz_u16(&in) % (CAP_MAX + 1), n;
	int level = fuzz_u8(&in) % (LZ4HC_CLEVEL_MAX + 1);
	const uint8_t *rest = fuzz_take(&in, SIZE_MAX, &n);
	unsigned lines = fuzz_lines;

	as_block(rest, n, cap);
	as_data(rest, n, level);
	FUZZ_CHECK(fuzz_lines == lines);
	return 0;
}
