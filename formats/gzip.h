/* SPDX-License-Identifier: BSD-2-Clause */
/* gzip (RFC 1952) kernels, inflated with zlib straight into caller memory. zlib never
 * calls malloc here: its few allocations come from a caller-provided arena. */
#ifndef KASLBOOT_FORMATS_GZIP_H
#define KASLBOOT_FORMATS_GZIP_H

#include <stddef.h>
#include <stdint.h>

/* RFC 1952 section 2.3.1 member header: ID1 ID2 CM FLG MTIME(4) XFL OS. */
#define GZIP_ID1           0x1fu
#define GZIP_ID2           0x8bu
#define GZIP_CM_DEFLATE    8u   /* CM = 8: deflate, the only method RFC 1952 defines */
#define GZIP_MAGIC_LEN     3u   /* ID1 ID2 CM: what format detection compares */
#define GZIP_HEADER_MIN    10u  /* fixed part of the member header */
#define GZIP_TRAILER_LEN   8u   /* CRC32(4) ISIZE(4), both little-endian */
#define GZIP_ISIZE_LEN     4u   /* ISIZE: the last 4 bytes of the member */
#define GZIP_MIN_LEN       (GZIP_HEADER_MIN + 2u + GZIP_TRAILER_LEN) /* 2: an empty deflate block */

/* Arena size that always suffices: zlib 1.2.13's inflate state is ~7.1 KiB on LP64, plus
 * the 32 KiB window (1 << MAX_WBITS) it allocates only when inflate stops before the end
 * of the stream (every gzip_peek; gzip_inflate only on error paths or inputs > 4 GiB),
 * plus alignment slack. tests/unit/test_gzip.c checks the peak use stays below this. */
#define GZIP_ARENA_SIZE    (48u * 1024u)

/* A bump allocator for zlib. Each gzip_* call starts from an empty arena (used = 0) and
 * frees nothing until it returns; peak records the high-water mark across calls. */
struct gzip_arena {
	void *base;
	size_t size;
	size_t used;
	size_t peak;
};

void gzip_arena_init(struct gzip_arena *arena, void *base, size_t size);

/* Inflates only the first `want` bytes of the gzip member at src[0..len) into dst, e.g. the
 * 64-byte Image header before the final slot is chosen. No CRC check (the stream is not
 * read to its end). Returns 0; KB_EINVAL (not gzip), KB_ECORRUPT (corrupt, fewer than
 * `want` bytes in the stream, or input that ends before them: "gzip stream ends early at
 * compressed byte N"), KB_ENOMEM (arena too small). */
int gzip_peek(const void *src, size_t len, void *dst, size_t want, struct gzip_arena *arena,
	      const char *name);

/* Inflates the whole gzip member at src[0..len) straight into dst[0..dst_cap) and checks
 * its trailer (CRC32 and ISIZE). *out_len = bytes written. Returns 0; KB_EINVAL (not gzip),
 * KB_ECORRUPT (corrupt, CRC or length mismatch, or truncated: "gzip stream ends early at
 * compressed byte N"), KB_ENOSPC (the output would exceed dst_cap),
 * KB_ENOMEM (arena too small), KB_EUNSUPP (a second gzip member follows: concatenated
 * members are refused rather than half-booted). Other bytes after the member are ignored:
 * zero padding silently, anything else (an appended DTB or signature) with a warning. */
int gzip_inflate(const void *src, size_t len, void *dst, size_t dst_cap, size_t *out_len,
		 struct gzip_arena *arena, const char *name);

/* What gzip_scan() learned by inflating a whole member. */
struct gzip_scan_result {
	size_t size;       /* the true inflated length, trailer checked */
	size_t head_len;   /* bytes copied into head: min(size, head_cap) */
	size_t member_len; /* compressed bytes of the member, header and trailer included */
};

/* Inflates the whole gzip member at src[0..len) once, keeping only its first head_cap
 * bytes (copied to head; head may be NULL when head_cap is 0), to learn its true length
 * before any memory is reserved for it. The trailer (CRC32 and ISIZE) is checked as
 * gzip_inflate() checks it, and bytes after the member follow the same rules: zero
 * padding is ignored, other data is ignored with a warning, a second member is refused.
 * ISIZE is never used as a length. Returns 0 and fills *out; KB_EINVAL (not gzip),
 * KB_ECORRUPT (corrupt, CRC/length mismatch, or a stream that ends early: "gzip stream
 * ends early at compressed byte N"), KB_ERANGE (inflates to more than `limit` bytes:
 * inflating stops there), KB_EUNSUPP (a second member), KB_ENOMEM (arena too small: the
 * scan needs the 32 KiB window, GZIP_ARENA_SIZE suffices). Costs one inflate pass. */
int gzip_scan(const void *src, size_t len, void *head, size_t head_cap, size_t limit,
	      struct gzip_scan_result *out, struct gzip_arena *arena, const char *name);

/* The last 4 bytes of src: the trailer's ISIZE (inflated size mod 2^32) only when src is
 * exactly one complete member. A truncated file gives whatever bytes the cut left there,
 * a padded one gives padding: never use it as a length or to accept or refuse a file
 * (gzip_scan() measures the true length). 0 if len is too short to hold a trailer. */
uint32_t gzip_isize(const void *src, size_t len);

#endif
