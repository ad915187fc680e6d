/* SPDX-License-Identifier: BSD-2-Clause */
/* Inflate throughput of formats/gzip.c's wrapper (arena allocator, one Z_FINISH call into
 * the final buffer) against the host zlib used directly (its own malloc, one call), on the
 * same gzip data. The figure that matters is the ratio: ~1.0 means the wrapper costs
 * nothing over zlib. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "formats/gzip.h"

#define DATA_LEN (24u << 20) /* about a distribution kernel */
#define ROUNDS   5

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fill(uint8_t *p, size_t n)
{
	uint64_t x = 88172645463325252ull;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		p[i] = (i / 4096) % 2 ? p[i - 4096 + (x & 7)] : (uint8_t)(x & 0x3f);
	}
}

static int zlib_direct(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
	z_stream zs = { 0 };
	int ret;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return -1;
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	zs.next_out = dst;
	zs.avail_out = (uInt)cap;
	ret = inflate(&zs, Z_FINISH);
	inflateEnd(&zs);
	return ret == Z_STREAM_END ? 0 : -1;
}

int main(void)
{
	uint8_t *data = malloc(DATA_LEN), *out = malloc(DATA_LEN);
	size_t cap = compressBound(DATA_LEN) + 64, out_len;
	uint8_t *gz = malloc(cap);
	static uint8_t arena_mem[GZIP_ARENA_SIZE];
	struct gzip_arena arena;
	z_stream zs = { 0 };
	double best_ref = 1e9, best_ours = 1e9, t;

	if (!data || !out || !gz)
		return 1;
	fill(data, DATA_LEN);
	deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = data; zs.avail_in = DATA_LEN; zs.next_out = gz; zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		return 1;
	deflateEnd(&zs);
	gzip_arena_init(&arena, arena_mem, sizeof(arena_mem));

	for (int r = 0; r < ROUNDS; r++) {
		t = now();
		if (zlib_direct(gz, zs.total_out, out, DATA_LEN))
			return 1;
		t = now() - t;
		if (t < best_ref) best_ref = t;
		t = now();
		if (gzip_inflate(gz, zs.total_out, out, DATA_LEN, &out_len, &arena, "bench") || out_len != DATA_LEN)
			return 1;
		t = now() - t;
		if (t < best_ours) best_ours = t;
	}
	if (memcmp(out, data, DATA_LEN))
		return 1;
	printf("bench_gzip: %u MiB from %lu KiB gzip: zlib direct %.1f MiB/s, gzip_inflate %.1f MiB/s, "
	       "ratio %.3f (best of %d)\n", DATA_LEN >> 20, zs.total_out >> 10,
	       (DATA_LEN >> 20) / best_ref, (DATA_LEN >> 20) / best_ours, best_ref / best_ours, ROUNDS);
	free(data); free(out); free(gz);
	return 0;
}
