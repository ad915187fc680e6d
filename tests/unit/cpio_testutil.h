/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers for the tests of what kaslboot packs as cpio (formats/cpio.c and the UKI extras
 * built on it): Debian's cpio unpacks the archive, and the files it made are compared.
 * Static inline in a header so nothing is linked into other tests. */
#ifndef KASLBOOT_TEST_CPIO_TESTUTIL_H
#define KASLBOOT_TEST_CPIO_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <cmocka.h>

/* The largest file the tests compare. */
#define CPIO_TEST_FILE_MAX 4200

/* Writes data[0..len) to DIR.cpio and unpacks it with `cpio -idm` into a fresh DIR. */
static inline void cpio_unpack(const char *dir, const void *data, size_t len)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s.cpio", dir);
	FILE *f = fopen(cmd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd %s && cpio -idm --quiet < %s.cpio", dir, dir);
	assert_int_equal(system(cmd), 0);
}

/* The unpacked file at `path` is a regular file of this mode holding exactly data[0..len). */
static inline void assert_unpacked(const char *path, const void *data, size_t len, unsigned mode)
{
	struct stat st;
	uint8_t got[CPIO_TEST_FILE_MAX];
	assert_true(len <= sizeof(got));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode, 0100000u | mode);
	assert_int_equal((size_t)st.st_size, len);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got), f), len);
	fclose(f);
	assert_memory_equal(got, data, len);
}

#endif
