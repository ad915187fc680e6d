/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/gzip.h"

#include <stdbool.h>
#include <string.h>
#include <zlib.h>

#include "lib/align.h"
#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/log.h"

/* zlib's windowBits: 15 = the 32 KiB window deflate may refer back into, +16 = expect a
 * gzip wrapper and check its CRC32 and ISIZE trailer (zlib.h, inflateInit2). */
#define GZIP_WINDOW_BITS (16 + MAX_WBITS)
/* Every arena allocation is aligned for any zlib structure. */
#define GZIP_ARENA_ALIGN 16u
/* zlib's counters are 32-bit (uInt): larger buffers are fed in chunks of this size. */
#define GZIP_CHUNK_MAX   0x40000000u
/* gzip_scan() inflates into this much stack, over and over, past the kept head. */
#define GZIP_SCAN_CHUNK  4096u

void gzip_arena_init(struct gzip_arena *arena, void *base, size_t size)
{
	arena->base = base;
	arena->size = base ? size : 0;
	arena->used = 0;
	arena->peak = 0;
}

static voidpf arena_alloc(voidpf opaque, uInt items, uInt size)
{
	struct gzip_arena *a = opaque;
	uintptr_t start = (uintptr_t)a->base + a->used;
	size_t pad = (size_t)(align_up(start, GZIP_ARENA_ALIGN) - start);
	size_t bytes = (size_t)items * size; /* size_t is 64-bit: cannot overflow from uInts */

	if (a->used > a->size || pad > a->size - a->used || bytes > a->size - a->used - pad)
		return Z_NULL;
	a->used += pad + bytes;
	if (a->used > a->peak)
		a->peak = a->used;
	return (voidpf)(start + pad);
}

static void arena_free(voidpf opaque, voidpf ptr)
{
	/* A bump allocator: everything goes when the call that owns the arena returns. */
	(void)opaque;
	(void)ptr;
}

uint32_t gzip_isize(const void *src, size_t len)
{
	if (len < GZIP_MIN_LEN)
		return 0;
	return get_le32((const uint8_t *)src + len - GZIP_ISIZE_LEN);
}

/* One inflate run over src into dst[0..cap). */
struct gz_run {
	z_stream zs;
	const uint8_t *src;
	size_t len, in_left;   /* input not yet handed to zlib */
	uint8_t *dst;
	size_t cap, out_left;  /* output space not yet handed to zlib */
	uint8_t *out_base;     /* start of the buffer zlib is writing to now (dst at first) */
	size_t flushed;        /* bytes inflated into buffers before out_base (gzip_scan) */
	const char *name;
};

static size_t chunk(size_t n)
{
	return n > GZIP_CHUNK_MAX ? GZIP_CHUNK_MAX : n;
}

/* Hands zlib the next chunk of input or output once it has used up the current one.
 * Returns true if it gave it anything. */
static bool gz_refill(struct gz_run *r)
{
	bool more = false;

	if (r->zs.avail_in == 0 && r->in_left) {
		r->zs.avail_in = (uInt)chunk(r->in_left);
		r->in_left -= r->zs.avail_in;
		more = true;
	}
	if (r->zs.avail_out == 0 && r->out_left) {
		r->zs.avail_out = (uInt)chunk(r->out_left);
		r->out_left -= r->zs.avail_out;
		more = true;
	}
	return more;
}

static size_t gz_consumed(const struct gz_run *r)
{
	return (size_t)(r->zs.next_in - r->src);
}

/* Bytes inflated so far, in every buffer. */
static size_t gz_produced(const struct gz_run *r)
{
	return r->flushed + (size_t)(r->zs.next_out - r->out_base);
}

static int gz_start(struct gz_run *r, const void *src, size_t len, void *dst, size_t cap,
		    struct gzip_arena *arena, const char *name)
{
	const uint8_t *b = src;

	memset(r, 0, sizeof(*r));
	r->name = name ? name : "kernel";
	if (len < GZIP_MIN_LEN || b[0] != GZIP_ID1 || b[1] != GZIP_ID2 || b[2] != GZIP_CM_DEFLATE)
		return log_error_ret(KB_EINVAL,
				     "%s: not a gzip file (%zu bytes, no 1f 8b 08 header)", r->name,
				     len);
	r->src = src;
	r->len = len;
	r->in_left = len;
	r->dst = dst;
	r->out_base = dst;
	r->cap = cap;
	r->out_left = cap;
	r->zs.next_in = (z_const Bytef *)src;
	r->zs.next_out = dst;
	r->zs.zalloc = arena_alloc;
	r->zs.zfree = arena_free;
	r->zs.opaque = arena;
	arena->used = 0;
	gz_refill(r);
	if (inflateInit2(&r->zs, GZIP_WINDOW_BITS) != Z_OK)
		return log_error_ret(
			KB_ENOMEM,
			"%s: gzip arena of %zu bytes is too small for zlib's inflate state",
			r->name, arena->size);
	return 0;
}

/* Maps a zlib failure that is not "out of output space" onto one error line. */
static int gz_fail(struct gz_run *r, int zret)
{
	struct gzip_arena *arena = r->zs.opaque;

	switch (zret) {
	case Z_MEM_ERROR:
		return log_error_ret(
			KB_ENOMEM,
			"%s: gzip arena of %zu bytes is too small (inflate needs up to %u)",
			r->name, arena->size, GZIP_ARENA_SIZE);
	case Z_BUF_ERROR:
		/* zlib wants input and there is none left: the member (deflate data or the
		 * trailer) goes on past the end of the buffer. */
		return log_error_ret(KB_ECORRUPT,
				     "%s: gzip stream ends early at compressed byte %zu, after %zu "
				     "bytes inflated (truncated file?)",
				     r->name, gz_consumed(r), gz_produced(r));
	default:
		/* Z_DATA_ERROR: zlib's message names the fault, e.g. "incorrect data check"
		 * (CRC32) or "incorrect length check" (ISIZE). Z_NEED_DICT never happens with
		 * a gzip wrapper, so it is corrupt data too. */
		return log_error_ret(KB_ECORRUPT,
				     "%s: corrupt gzip stream near compressed byte %zu: %s",
				     r->name, gz_consumed(r), r->zs.msg ? r->zs.msg : "bad data");
	}
}

/* Runs inflate until the stream ends, the output is full, or no progress is possible.
 * Returns the last zlib status. */
static int gz_pump(struct gz_run *r, int flush, bool stop_when_full)
{
	int zret;

	for (;;) {
		zret = inflate(&r->zs, flush);
		if (zret == Z_STREAM_END)
			return zret;
		if (zret != Z_OK && zret != Z_BUF_ERROR)
			return zret;
		if (stop_when_full && r->zs.avail_out == 0 && r->out_left == 0)
			return Z_OK;
		if (!gz_refill(r) && zret == Z_BUF_ERROR)
			return zret;
	}
}

int gzip_peek(const void *src, size_t len, void *dst, size_t want, struct gzip_arena *arena,
	      const char *name)
{
	struct gz_run r;
	int zret, err;

	err = gz_start(&r, src, len, dst, want, arena, name);
	if (err)
		return err;
	zret = gz_pump(&r, Z_NO_FLUSH, true);
	if (zret == Z_STREAM_END && gz_produced(&r) < want) {
		log_error("%s: gzip stream inflates to only %zu bytes, fewer than the %zu needed",
			  r.name, gz_produced(&r), want);
		err = KB_ECORRUPT;
	} else if (zret != Z_OK && zret != Z_STREAM_END) {
		err = gz_fail(&r, zret);
	}
	inflateEnd(&r.zs);
	return err;
}

/* The output is full but the stream has not ended: find out whether more output would
 * follow (too small a buffer) or the input stops here (truncated). Returns 0 when only
 * the trailer was left (an exact fit), else a logged KB_* error. */
static int gz_finish_full(struct gz_run *r)
{
	uint8_t probe;
	Bytef *saved_next_out = r->zs.next_out;
	int zret;

	r->zs.next_out = &probe;
	r->zs.avail_out = 1;
	zret = inflate(&r->zs, Z_FINISH);
	if (r->zs.avail_out == 0)
		return log_error_ret(
			KB_ENOSPC,
			"%s: gzip stream inflates to more than the %zu bytes reserved for it",
			r->name, r->cap);
	r->zs.next_out = saved_next_out;
	r->zs.avail_out = 0;
	return zret == Z_STREAM_END ? 0 : gz_fail(r, zret);
}

/* After the member: zero padding is fine, another member is refused, anything else
 * (an appended DTB or signature) is ignored with a warning. */
static int gz_check_trailing(struct gz_run *r)
{
	const uint8_t *rest = r->src + gz_consumed(r);
	size_t n = r->len - gz_consumed(r), i;

	if (n == 0)
		return 0;
	if (n >= 2 && rest[0] == GZIP_ID1 && rest[1] == GZIP_ID2) {
		return log_error_ret(KB_EUNSUPP,
				     "%s: a second gzip member follows at byte %zu; multi-member "
				     "gzip kernels are not supported",
				     r->name, gz_consumed(r));
	}
	for (i = 0; i < n && rest[i] == 0; i++)
		;
	if (i == n)
		log_debug("%s: %zu bytes of zero padding after the gzip stream", r->name, n);
	else
		log_warn("%s: ignoring %zu bytes of trailing data after the gzip stream", r->name, n);
	return 0;
}

int gzip_inflate(const void *src, size_t len, void *dst, size_t dst_cap, size_t *out_len,
		 struct gzip_arena *arena, const char *name)
{
	struct gz_run r;
	int zret, err;

	*out_len = 0;
	err = gz_start(&r, src, len, dst, dst_cap, arena, name);
	if (err)
		return err;
	/* Z_FINISH with all input and output in one call lets zlib inflate without
	 * allocating its window (zlib.h, inflate(): "Z_FINISH also informs inflate to not
	 * maintain a sliding window if the stream completes"). */
	zret = gz_pump(&r, Z_FINISH, false);
	if (zret == Z_STREAM_END)
		err = 0;
	else if (zret == Z_BUF_ERROR && r.zs.avail_out == 0 && r.out_left == 0)
		err = gz_finish_full(&r);
	else
		err = gz_fail(&r, zret);
	if (!err)
		err = gz_check_trailing(&r);
	if (!err)
		*out_len = gz_produced(&r);
	inflateEnd(&r.zs);
	return err;
}

int gzip_scan(const void *src, size_t len, void *head, size_t head_cap, size_t limit,
	      struct gzip_scan_result *out, struct gzip_arena *arena, const char *name)
{
	uint8_t scratch[GZIP_SCAN_CHUNK];
	struct gz_run r;
	int zret, err;

	memset(out, 0, sizeof(*out));
	if (!head)
		head_cap = 0;
	err = gz_start(&r, src, len, head, head_cap, arena, name);
	if (err)
		return err;
	if (!head_cap) {
		/* zlib refuses a NULL next_out even with nothing to write there. */
		r.out_base = scratch;
		r.zs.next_out = scratch;
		r.zs.avail_out = sizeof(scratch);
	}
	for (;;) {
		zret = inflate(&r.zs, Z_NO_FLUSH);
		if (zret == Z_STREAM_END)
			break;
		if (zret != Z_OK && zret != Z_BUF_ERROR) {
			err = gz_fail(&r, zret);
			goto out;
		}
		if (gz_produced(&r) > limit) {
			log_error("%s: gzip stream inflates to more than %zu bytes, the most accepted",
				  r.name, limit);
			err = KB_ERANGE;
			goto out;
		}
		if (r.zs.avail_out == 0 && r.out_left == 0) {
			/* The head (or the last scratch chunk) is full: go on into scratch,
			 * counting what was inflated. */
			r.flushed = gz_produced(&r);
			r.out_base = scratch;
			r.zs.next_out = scratch;
			r.zs.avail_out = sizeof(scratch);
			continue;
		}
		if (!gz_refill(&r) && zret == Z_BUF_ERROR) {
			err = gz_fail(&r, zret);
			goto out;
		}
	}
	if (gz_produced(&r) > limit) {
		log_error("%s: gzip stream inflates to %zu bytes, more than the %zu accepted",
			  r.name, gz_produced(&r), limit);
		err = KB_ERANGE;
		goto out;
	}
	err = gz_check_trailing(&r);
	if (!err) {
		out->size = gz_produced(&r);
		out->head_len = out->size < head_cap ? out->size : head_cap;
		out->member_len = gz_consumed(&r);
	}
out:
	inflateEnd(&r.zs);
	return err;
}
