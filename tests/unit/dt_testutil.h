/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers for the dtb/ tests: compile .dts fixtures with the host's dtc, decompile a blob
 * back to text, and put a blob in front of an unreadable page. Every dtb/ test checks what
 * was logged, so this pulls in log_capture.h. Static inline in a header so nothing is
 * linked into other people's tests. Tests run from the repository root (make unit does),
 * where DT_FIXTURES finds the sources. */
#ifndef KASLBOOT_TEST_DT_TESTUTIL_H
#define KASLBOOT_TEST_DT_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include "log_capture.h"

#define DT_FIXTURES "tests/unit/fixtures/"

/* --- blobs -------------------------------------------------------------------------- */
/* Reads a whole stream into an 8-byte aligned malloc'd buffer. */
static inline void *dt_read_stream(FILE *f, size_t *size)
{
	size_t cap = 1 << 16, n = 0, got;
	char *buf = aligned_alloc(8, cap);

	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *bigger = aligned_alloc(8, cap * 2);

			assert_non_null(bigger);
			memcpy(bigger, buf, n);
			free(buf);
			buf = bigger;
			cap *= 2;
		}
	}
	buf[n < cap ? n : cap - 1] = '\0';
	*size = n;
	return buf;
}

/* Compiles fixtures/<name> with dtc and its options (flags: "" or "-@" for an overlay,
 * whose symbols libfdt's fdt_overlay_apply needs); the caller frees the blob. */
static inline void *dt_compile_fixture_with(const char *name, const char *flags, size_t *size)
{
	char cmd[512];
	FILE *p;
	void *blob;

	snprintf(cmd, sizeof(cmd), "dtc -q %s -I dts -O dtb -o - %s%s", flags, DT_FIXTURES, name);
	p = popen(cmd, "r");
	assert_non_null(p);
	blob = dt_read_stream(p, size);
	assert_int_equal(pclose(p), 0);
	assert_true(*size >= sizeof(struct fdt_header));
	assert_int_equal(fdt_totalsize(blob), *size);
	return blob;
}

/* Compiles fixtures/<name> with dtc; the caller frees the blob. */
static inline void *dt_compile_fixture(const char *name, size_t *size)
{
	return dt_compile_fixture_with(name, "", size);
}

/* The dtc -I dtb -O dts text of a blob (NUL-terminated); the caller frees it. */
static inline char *dt_decompile(const void *fdt)
{
	char path[] = "/tmp/kaslboot-dt-XXXXXX";
	char cmd[256];
	int fd = mkstemp(path);
	FILE *p;
	size_t n;
	char *text;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, fdt, fdt_totalsize(fdt)), (ssize_t)fdt_totalsize(fdt));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts %s", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	text = dt_read_stream(p, &n);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	return text;
}

/* A copy of `size` bytes placed so the byte after them is the first of a PROT_NONE page:
 * any read past the end faults, even inside the (uninstrumented) host libfdt. size is
 * rounded up to 8 (the DT alignment); *max gets the readable length. */
struct dt_guarded {
	void *map;
	size_t map_len;
	void *blob;
	size_t max;
};

static inline void dt_guard(struct dt_guarded *g, const void *src, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t max = (size + 7) & ~(size_t)7;
	size_t data_pages = (max + page - 1) / page;

	g->map_len = (data_pages + 1) * page;
	g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(g->map != MAP_FAILED);
	assert_int_equal(mprotect((char *)g->map + data_pages * page, page, PROT_NONE), 0);
	g->blob = (char *)g->map + data_pages * page - max;
	g->max = max;
	memset(g->blob, 0, max);
	memcpy(g->blob, src, size);
}

static inline void dt_unguard(struct dt_guarded *g)
{
	munmap(g->map, g->map_len);
}

/* Big-endian bytes of a value, built without libfdt, to check what libfdt wrote. */
static inline void dt_be_bytes(uint64_t v, uint8_t *out, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}

#endif
