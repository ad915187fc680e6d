/* SPDX-License-Identifier: BSD-2-Clause */
/* gzip and EFI zboot kernels: zboot_parse(), gzip_peek(), gzip_scan(), gzip_inflate().
 * The input is a mode byte, a 16-bit output cap (in 64-byte units, at most CAP_MAX) and a
 * 16-bit head size, then the file: a gzip member (mode bit 0 clear) or a zboot image whose
 * payload is inflated (bit 0 set). Every output buffer is an exact-size heap block: ASan
 * catches a write past the cap. The host's zlib, driven directly with a large buffer, is
 * the reference for what the stream holds.
 * Invariants:
 * - inflate output never exceeds its cap: a longer stream is KB_ENOSPC, never written;
 * - a complete member that fits inflates to exactly the reference bytes; bytes after it
 *   are accepted (zero padding silently) unless they start a second member (KB_EUNSUPP);
 * - a stream that stops early is KB_ECORRUPT, whose line says "ends early at compressed
 *   byte N" with N the file's length; ISIZE never decides a length;
 * - gzip_scan() reports the reference length, the same head bytes and the member's
 *   compressed length, and refuses more than its limit (KB_ERANGE);
 * - gzip_peek() returns the reference's first bytes when the stream has them;
 * - the arena never holds more than GZIP_ARENA_SIZE; a refusal logs exactly one error
 *   line, success none. */
#include <zlib.h>

#include "fuzz.h"
#include "lib/err.h"
#include "formats/gzip.h"
#include "formats/zboot.h"

/* Sizes: the reference must see past every cap and limit (a stream it cannot finish is
 * only loosely checked), and each block the target allocates (the exact fit: up to
 * REF_MAX) stays within ASan's primary allocator (128 KiB with its redzones): larger ones
 * are mmap'd and unmapped for every input, which cost most of the time when the caps were
 * 4 MiB (2.4k exec/s). 64 KiB of output is still two
 * deflate windows (32 KiB) and 16 of gzip_scan's 4 KiB scratch chunks: every path of
 * formats/gzip.c but the 1 GiB chunking of zlib's 32-bit counters, which no cap here
 * could reach either. */
#define REF_MAX    (96u << 10)  /* the reference inflates at most this much */
#define CAP_UNIT   64u          /* the output cap is the input's 16-bit value times this, */
#define CAP_MAX    (64u << 10)  /* modulo this (inclusive) */
#define SCAN_LIMIT (64u << 10)  /* gzip_scan's limit here */
_Static_assert(CAP_MAX < REF_MAX && SCAN_LIMIT < REF_MAX, "the reference sees past every cap");

enum ref_end { REF_COMPLETE, REF_SHORT, REF_BAD, REF_HUGE };

struct ref {
	enum ref_end end;
	size_t out_len;    /* bytes inflated (all of them for REF_COMPLETE) */
	size_t consumed;   /* input bytes of the member (REF_COMPLETE) */
	uint8_t *out;
};

static uint8_t ref_buf[REF_MAX];
static uint8_t arena_mem[GZIP_ARENA_SIZE] __attribute__((aligned(16)));

/* What the stream really holds, by the host's zlib with all the room it could want. */
static void reference(const uint8_t *src, size_t len, struct ref *ref)
{
	z_stream zs;
	int zr;

	memset(&zs, 0, sizeof(zs));
	memset(ref, 0, sizeof(*ref));
	ref->out = ref_buf;
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		abort();
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	zs.next_out = ref_buf;
	zs.avail_out = REF_MAX;
	zr = inflate(&zs, Z_FINISH);
	ref->out_len = zs.total_out;
	ref->consumed = zs.total_in;
	if (zr == Z_STREAM_END)
		ref->end = REF_COMPLETE;
	else if (zr == Z_BUF_ERROR && zs.avail_out == 0)
		ref->end = REF_HUGE;
	else if (zr == Z_BUF_ERROR)
		ref->end = REF_SHORT;
	else
		ref->end = REF_BAD;
	inflateEnd(&zs);
}

static bool gzip_magic(const uint8_t *src, size_t len)
{
	return len >= GZIP_MIN_LEN && src[0] == 0x1f && src[1] == 0x8b && src[2] == 8;
}

/* A second member right after the first: refused. */
static bool second_member(const uint8_t *src, size_t len, const struct ref *ref)
{
	return len - ref->consumed >= 2 && src[ref->consumed] == 0x1f &&
	       src[ref->consumed + 1] == 0x8b;
}

static void check_error_line(unsigned mark)
{
	FUZZ_CHECK(fuzz_errors_since(mark) == 1);
	FUZZ_CHECK(strstr(fuzz_last_error, "kaslboot: error: fuzz: "));
}

static void check_inflate(const uint8_t *src, size_t len, size_t cap, const struct ref *ref,
			  struct gzip_arena *arena)
{
	uint8_t *out = malloc(cap ? cap : 1);
	size_t out_len = 12345;
	unsigned mark = fuzz_errors;
	int r;

	if (!out)
		abort();
	gzip_arena_init(arena, arena_mem, sizeof(arena_mem));
	r = gzip_inflate(src, len, out, cap, &out_len, arena, "fuzz");
	FUZZ_CHECK(arena->peak <= GZIP_ARENA_SIZE);
	if (r == 0) {
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		FUZZ_CHECK(ref->end == REF_COMPLETE && !second_member(src, len, ref));
		FUZZ_CHECK(out_len == ref->out_len && out_len <= cap);
		FUZZ_CHECK(memcmp(out, ref->out, out_len) == 0);
		free(out);
		return;
	}
	FUZZ_CHECK(out_len == 0);
	check_error_line(mark);
	if (!gzip_magic(src, len)) {
		FUZZ_CHECK(r == KB_EINVAL);
	} else if (ref->end == REF_COMPLETE) {
		/* Too big for the cap, or a second member after it. */
		if (ref->out_len > cap)
			FUZZ_CHECK(r == KB_ENOSPC);
		else
			FUZZ_CHECK(r == KB_EUNSUPP && second_member(src, len, ref));
	} else if (ref->end == REF_SHORT) {
		char want[96];
		FUZZ_CHECK(r == KB_ECORRUPT || (r == KB_ENOSPC && ref->out_len > cap));
		snprintf(want, sizeof(want), "gzip stream ends early at compressed byte %zu,", len);
		FUZZ_CHECK(r != KB_ECORRUPT || strstr(fuzz_last_error, want));
	} else if (ref->end == REF_BAD) {
		FUZZ_CHECK(r == KB_ECORRUPT || (r == KB_ENOSPC && ref->out_len > cap));
	} else {
		FUZZ_CHECK(r == KB_ENOSPC || r == KB_ECORRUPT);
	}
	free(out);
}

static void check_scan(const uint8_t *src, size_t len, size_t head_cap, const struct ref *ref,
		       struct gzip_arena *arena)
{
	uint8_t *head = malloc(head_cap ? head_cap : 1);
	struct gzip_scan_result scan;
	unsigned mark = fuzz_errors;
	int r;

	if (!head)
		abort();
	gzip_arena_init(arena, arena_mem, sizeof(arena_mem));
	r = gzip_scan(src, len, head_cap ? head : NULL, head_cap, SCAN_LIMIT, &scan, arena, "fuzz");
	FUZZ_CHECK(arena->peak <= GZIP_ARENA_SIZE);
	if (r == 0) {
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		FUZZ_CHECK(ref->end == REF_COMPLETE && !second_member(src, len, ref));
		FUZZ_CHECK(scan.size == ref->out_len && scan.size <= SCAN_LIMIT);
		FUZZ_CHECK(scan.head_len == (scan.size < head_cap ? scan.size : head_cap));
		FUZZ_CHECK(memcmp(head, ref->out, scan.head_len) == 0);
		FUZZ_CHECK(scan.member_len == ref->consumed && scan.member_len <= len);
	} else {
		check_error_line(mark);
		FUZZ_CHECK(scan.size == 0);
		if (!gzip_magic(src, len))
			FUZZ_CHECK(r == KB_EINVAL);
		else if (ref->end == REF_COMPLETE && ref->out_len <= SCAN_LIMIT)
			FUZZ_CHECK(r == KB_EUNSUPP && second_member(src, len, ref));
		else if (ref->end == REF_COMPLETE)
			FUZZ_CHECK(r == KB_ERANGE);
		else if (ref->end == REF_SHORT && ref->out_len <= SCAN_LIMIT)
			FUZZ_CHECK(r == KB_ECORRUPT && strstr(fuzz_last_error, "ends early"));
		else
			FUZZ_CHECK(r == KB_ECORRUPT || r == KB_ERANGE);
	}
	free(head);
}

static void check_peek(const uint8_t *src, size_t len, size_t want, const struct ref *ref,
		       struct gzip_arena *arena)
{
	uint8_t *dst = malloc(want ? want : 1);
	unsigned mark = fuzz_errors;
	int r;

	if (!dst)
		abort();
	gzip_arena_init(arena, arena_mem, sizeof(arena_mem));
	r = gzip_peek(src, len, dst, want, arena, "fuzz");
	FUZZ_CHECK(arena->peak <= GZIP_ARENA_SIZE);
	if (r == 0) {
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		FUZZ_CHECK(ref->out_len >= want && memcmp(dst, ref->out, want) == 0);
	} else {
		check_error_line(mark);
		/* Only a stream without `want` good bytes is refused. */
		FUZZ_CHECK(!gzip_magic(src, len) || ref->out_len < want || ref->end == REF_BAD);
	}
	free(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t mode = fuzz_u8(&in);
	size_t cap = (size_t)(fuzz_u16(&in) % (CAP_MAX / CAP_UNIT + 1)) * CAP_UNIT;
	size_t head_cap = fuzz_u16(&in) % 8192;
	uint8_t *file = fuzz_dup(in.p, in.n);
	const uint8_t *src = file;
	size_t len = in.n;
	struct gzip_arena arena;
	struct ref ref;

	fuzz_log_reset();
	if (mode & 1) {
		struct zboot_info z;
		unsigned mark = fuzz_errors;
		int r = zboot_parse(file, len, &z, "fuzz");

		if (r) {
			FUZZ_CHECK(r == KB_EINVAL || r == KB_EUNSUPP);
			check_error_line(mark);
			free(file);
			return 0;
		}
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		FUZZ_CHECK(z.comp == ZBOOT_COMP_GZIP && strcmp(z.comp_name, "gzip") == 0);
		FUZZ_CHECK(z.payload_offset >= ZBOOT_HEADER_SIZE && z.payload_size > 0);
		FUZZ_CHECK((uint64_t)z.payload_offset + z.payload_size <= len);
		FUZZ_CHECK((const uint8_t *)z.payload == file + z.payload_offset);
		src = z.payload;
		len = z.payload_size;
	}
	/* The old ISIZE hint is only ever a hint: it reads the last 4 bytes, nothing else. */
	FUZZ_CHECK(len < GZIP_MIN_LEN ? gzip_isize(src, len) == 0 :
		   gzip_isize(src, len) == ((uint32_t)src[len - 4] | (uint32_t)src[len - 3] << 8 |
					    (uint32_t)src[len - 2] << 16 | (uint32_t)src[len - 1] << 24));
	reference(src, len, &ref);
	check_inflate(src, len, cap, &ref, &arena);
	if (ref.end == REF_COMPLETE && ref.out_len > 0 && ref.out_len <= REF_MAX)
		check_inflate(src, len, ref.out_len, &ref, &arena); /* an exact fit */
	check_scan(src, len, head_cap, &ref, &arena);
	check_peek(src, len, head_cap < 4096 ? head_cap : 4096, &ref, &arena);
	free(file);
	return 0;
}
