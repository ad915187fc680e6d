/* SPDX-License-Identifier: BSD-2-Clause */
/* LZ4 block decoding (lz4/doc/lz4_Block_format.md). A block is a run of sequences: a token
 * byte (high nibble: literal count, low nibble: match length - 4, a nibble of 15 continued
 * by bytes added in until one is not 255), the literals, a 2-byte little-endian offset
 * back into the output and the match it starts. The last sequence is literals only.
 * Indices, not pointers, so that no check can wrap. The limits below are the block
 * format's end-of-block rules as LZ4_decompress_safe() (lz4.c, LZ4_decompress_generic)
 * states them, measured from the end of the input and of the output capacity. liblz4
 * skips some of them on its fast path (and takes offset 0), so it accepts a few malformed
 * streams this decoder refuses; whatever this decoder accepts, liblz4 decodes to the same
 * bytes (tests/fuzz/fuzz_lz4.c checks both that and that every stream liblz4's
 * compressors make is accepted). */
#include "lib/lz4_block.h"

#include <string.h>

#include "lib/bytes.h"
#include "lib/err.h"

#define LZ4_ML_BITS       4u   /* token: the low nibble is the match length */
#define LZ4_NIBBLE_MASK   15u  /* a nibble of 15: length bytes follow */
#define LZ4_LEN_MORE      255u /* a length byte of 255: another follows */
#define LZ4_MIN_MATCH     4u   /* a match's length is its nibble + 4 */
#define LZ4_OFFSET_SIZE   2u
#define LZ4_LAST_LITERALS 5u  /* "the last 5 bytes are always literals" */
#define LZ4_MFLIMIT       12u /* "the last match must start at least 12 bytes before the end" */
/* After a sequence's literals, the input must hold an offset, a token and the last
 * literals, or end there: liblz4's (2 + 1 + LASTLITERALS). */
#define LZ4_MIN_TAIL (LZ4_OFFSET_SIZE + 1u + LZ4_LAST_LITERALS)

/* Adds length bytes to *len while they are 255, each read below `limit` (liblz4 reads a
 * literal count's bytes only where the literals can still follow, a match length's only
 * where the last literals can). */
static int read_length(const uint8_t *src, size_t *i, size_t limit, size_t *len)
{
	uint8_t b;

	do {
		if (*i >= limit)
			return KB_ECORRUPT;
		b = src[(*i)++];
		*len += b;
	} while (b == LZ4_LEN_MORE);
	return 0;
}

int lz4_block_decode(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_cap,
		     size_t *out_len)
{
	size_t i = 0, o = 0;

	*out_len = 0;
	if (!src_len)
		return KB_ECORRUPT;
	if (!dst_cap) /* only the empty block (one zero token) decodes to nothing */
		return src_len == 1 && !src[0] ? 0 : KB_ECORRUPT;
	for (;;) {
		uint8_t token = src[i++]; /* the previous sequence left at least one byte */
		size_t lit = token >> LZ4_ML_BITS, len, off;

		if (lit == LZ4_NIBBLE_MASK &&
		    read_length(src, &i, src_len > LZ4_NIBBLE_MASK ? src_len - LZ4_NIBBLE_MASK : 0,
				&lit))
			return KB_ECORRUPT;
		/* Literals that end in the output's last MFLIMIT bytes, or leave too little input
		 * for a match and the last literals, must be the last sequence. */
		if (dst_cap < LZ4_MFLIMIT || o + lit > dst_cap - LZ4_MFLIMIT ||
		    src_len < LZ4_MIN_TAIL || i + lit > src_len - LZ4_MIN_TAIL) {
			if (lit != src_len - i || lit > dst_cap - o)
				return KB_ECORRUPT;
			memcpy(dst + o, src + i, lit);
			*out_len = o + lit;
			return 0;
		}
		memcpy(dst + o, src + i, lit);
		i += lit;
		o += lit;

		off = get_le16(src + i);
		i += LZ4_OFFSET_SIZE;
		len = token & LZ4_NIBBLE_MASK;
		if (len == LZ4_NIBBLE_MASK &&
		    read_length(src, &i, src_len - LZ4_LAST_LITERALS + 1, &len))
			return KB_ECORRUPT;
		len += LZ4_MIN_MATCH;
		/* Offset 0 names no byte (the format calls it invalid); a match may not reach
		 * before the output's start, nor end in its last LZ4_LAST_LITERALS bytes. */
		if (!off || off > o || len > dst_cap - LZ4_LAST_LITERALS - o)
			return KB_ECORRUPT;
		/* Forward, byte by byte: a match may overlap what it writes (offset < length
		 * repeats the last `offset` bytes). */
		for (size_t end = o + len; o < end; o++)
			dst[o] = dst[o - off];
	}
}
