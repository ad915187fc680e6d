/* SPDX-License-Identifier: BSD-2-Clause */
/* The configuration phase against the number of Type #1 entries (issue #25): the time of
 * boot_config_load per entry at 10, 100 and 1000 entries, the growth from 100 to 1000 as
 * a ratio of per-entry times (n log n from 100 to 1000 would be 1.5; linear, 1.0), and the
 * peak of the pool memory it holds at once. The reference, measured in the same run, is
 * reading every entry file once (open, copy, close) with no parsing: the floor that any
 * loader pays on this platform. The platform is a small one of its own: files in host
 * memory, the pool in a region of its own with a byte count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/sink.h"
#include "loader/boot_config.h"

#define MAX_ENTRIES 1000
#define ROUNDS      5
#define ENTRIES_DIR "/loader/entries"

struct file {
	char name[64];
	char text[512];
	size_t len;
};

static struct file files[MAX_ENTRIES];
static unsigned nfiles;
static int listed = -1; /* the file dir_list is at: opened without a search, as efi/ does */
static size_t pool_now, pool_peak;

/* The pool: a bump allocator over memory touched once before the timing starts, since
 * UEFI's pool memory takes no page faults (malloc's fresh pages made half the time).
 * Each allocation carries its size in front, for the byte count; each round starts the
 * region again (everything was freed). */
#define POOL_BYTES (64u << 20)
static uint8_t pool[POOL_BYTES];
static size_t pool_top;

static void *pool_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	size_t step = (bytes + 2 * sizeof(size_t) - 1) & ~(sizeof(size_t) - 1);
	if (pool_top + step > POOL_BYTES)
		return NULL;
	size_t *p = (size_t *)(pool + pool_top);
	pool_top += step;
	*p = bytes;
	pool_now += bytes;
	if (pool_now > pool_peak)
		pool_peak = pool_now;
	return p + 1;
}

static void pool_free(void *ctx, void *q)
{
	(void)ctx;
	size_t *p = (size_t *)q - 1;
	pool_now -= *p;
}

static int file_open(void *ctx, const char *path, void **fh, uint64_t *size)
{
	(void)ctx;
	size_t n = strlen(ENTRIES_DIR);
	if (strncmp(path, ENTRIES_DIR "/", n + 1))
		return KB_ENOENT;
	if (listed >= 0 && !strcmp(path + n + 1, files[listed].name)) {
		*fh = &files[listed];
		*size = files[listed].len;
		return 0;
	}
	for (unsigned i = 0; i < nfiles; i++) {
		if (!strcmp(path + n + 1, files[i].name)) {
			*fh = &files[i];
			*size = files[i].len;
			return 0;
		}
	}
	return KB_ENOENT;
}

static int file_read(void *ctx, void *fh, uint64_t offset, void *buf, uint64_t size)
{
	(void)ctx;
	const struct file *f = fh;
	memcpy(buf, f->text + offset, (size_t)size);
	return 0;
}

static void file_close(void *ctx, void *fh)
{
	(void)ctx;
	(void)fh;
}

static int dir_list(void *ctx, const char *dir, kb_dir_fn fn, void *arg)
{
	(void)ctx;
	if (strcmp(dir, ENTRIES_DIR))
		return KB_ENOENT;
	for (unsigned i = 0; i < nfiles; i++) {
		listed = (int)i;
		fn(files[i].name, arg);
	}
	listed = -1;
	return 0;
}

static int var_get(void *ctx, const struct kb_guid *guid, const char *name, void *buf, size_t *size,
		   uint32_t *attrs)
{
	(void)ctx, (void)guid, (void)name, (void)buf, (void)size, (void)attrs;
	return KB_ENOENT;
}

static int var_set(void *ctx, const struct kb_guid *guid, const char *name, uint32_t attrs,
		   const void *buf, size_t size)
{
	(void)ctx, (void)guid, (void)name, (void)attrs, (void)buf, (void)size;
	return 0;
}

static const struct kb_platform pf = {
	.pool_alloc = pool_alloc,
	.pool_free = pool_free,
	.file_open = file_open,
	.file_read = file_read,
	.file_close = file_close,
	.dir_list = dir_list,
	.var_get = var_get,
	.var_set = var_set,
};

/* Debian's entries as kernel-install writes them, each kernel its own version. */
static void make_entries(unsigned n)
{
	nfiles = n;
	for (unsigned i = 0; i < n; i++) {
		struct file *f = &files[i];
		snprintf(f->name, sizeof(f->name),
			 "0123456789abcdef0123456789abcdef-6.1.%u-arm64.conf", i);
		f->len = (size_t)snprintf(
			f->text, sizeof(f->text),
			"title      Debian GNU/Linux 13 (trixie)\n"
			"version    6.1.%u-arm64\n"
			"machine-id 0123456789abcdef0123456789abcdef\n"
			"sort-key   debian\n"
			"options    root=UUID=6d3376e4-fc93-4509-95ec-a21d68011da2 ro quiet\n"
			"linux      /0123456789abcdef0123456789abcdef/6.1.%u-arm64/linux\n"
			"initrd     "
			"/0123456789abcdef0123456789abcdef/6.1.%u-arm64/initrd.img-6.1.%u\n",
			i, i, i, i);
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds per boot_config_load, the best of ROUNDS. */
static double time_load(void)
{
	double best = 1e9;
	for (int r = 0; r < ROUNDS; r++) {
		struct boot_config bc;
		pool_top = 0;
		double t0 = now();
		int rc = boot_config_load(&pf, &bc, NULL);
		double t = now() - t0;
		if (rc) {
			printf("bench_config: boot_config_load failed: %s\n", kb_strerror(rc));
			exit(1);
		}
		boot_config_free(&pf, &bc);
		if (t < best)
			best = t;
	}
	return best;
}

/* The reference: every file opened, copied to a pool buffer once and closed. */
static void read_each(const char *name, void *arg)
{
	char path[KB_PATH_MAX];
	void *fh;
	uint64_t size;
	snprintf(path, sizeof(path), ENTRIES_DIR "/%s", name);
	if (file_open(NULL, path, &fh, &size))
		return;
	void *buf = pool_alloc(NULL, (size_t)size);
	file_read(NULL, fh, 0, buf, size);
	*(unsigned *)arg += ((const uint8_t *)buf)[size / 2];
	pool_free(NULL, buf);
	file_close(NULL, fh);
}

static double time_reads(void)
{
	double best = 1e9;
	unsigned sink = 0;
	pool_top = 0;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now();
		dir_list(NULL, ENTRIES_DIR, read_each, &sink);
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	return sink == 0xffffffffu ? 0 : best;
}

static void sink(const char *text, size_t len) { fwrite(text, 1, len, stdout); }

int main(void)
{
	static const unsigned counts[] = { 10, 100, MAX_ENTRIES };
	double per_entry[3];
	memset(pool, 1, sizeof(pool));
	log_set_sink(sink);
	log_set_level(LOG_WARN);
	for (unsigned i = 0; i < 3; i++) {
		make_entries(counts[i]);
		pool_peak = pool_now = 0;
		double t = time_load();
		double ref = time_reads();
		per_entry[i] = t / counts[i];
		printf("bench_config: %4u entries: %.2f us an entry, %.1fx the reads alone; pool "
		       "peak %zu KiB (%zu bytes an entry)\n",
		       counts[i], per_entry[i] * 1e6, t / ref, pool_peak / 1024,
		       pool_peak / counts[i]);
	}
	printf("bench_config: per-entry time at 1000 / at 100: %.2f (n log n: 1.50, linear: "
	       "1.00)\n",
	       per_entry[2] / per_entry[1]);
	return 0;
}
