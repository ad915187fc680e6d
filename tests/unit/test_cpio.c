/* SPDX-License-Identifier: BSD-2-Clause */
/* formats/cpio.c: the bytes of a small archive typed here as systemd-stub 257's cpio.c
 * writes them, then archives unpacked by Debian's cpio (`cpio -idm`) and compared file by
 * file, mode by mode; and the refusals (too small a buffer, too long a name, a file over
 * 4 GiB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "assert_kb.h"
#include "cpio_testutil.h"
#include "formats/cpio.h"
#include "lib/err.h"

static uint8_t buf[64 * 1024];

/* The stub's credentials archive of one file "a.cred" holding "xyz". */
static size_t pack_one(void *out, size_t size)
{
	struct cpio_writer w;
	uint8_t *data;
	cpio_init(&w, out, size);
	assert_kb_ok(cpio_prefix(&w, ".extra/credentials", 0500));
	assert_kb_ok(cpio_file(&w, ".extra/credentials", "a.cred", 3, 0400, &data));
	if (out)
		memcpy(data, "xyz", 3);
	assert_kb_ok(cpio_trailer(&w));
	return (size_t)w.used;
}

static void test_bytes_as_the_stub_writes_them(void **state)
{
	(void)state;
	static const char want[] =
		/* .extra: inode 1, 040555, nlink 1, name size 7: 117 bytes, padded to 120 */
		"070701"
		"00000001"
		"0000416d"
		"00000000"
		"00000000"
		"00000001"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000007"
		"00000000"
		".extra\0\0\0\0"
		/* .extra/credentials: inode 2, 040500, name size 19: ends at 249, padded to 252 */
		"070701"
		"00000002"
		"00004140"
		"00000000"
		"00000000"
		"00000001"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000013"
		"00000000"
		".extra/credentials\0\0\0\0"
		/* the file: inode 3, 0100400, 3 bytes, name size 26: ends at 388, no padding;
		 * the data padded to 4 */
		"070701"
		"00000003"
		"00008100"
		"00000000"
		"00000000"
		"00000001"
		"00000000"
		"00000003"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"0000001a"
		"00000000"
		".extra/credentials/a.cred\0"
		"xyz\0"
		/* the stub's trailer */
		"070701"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000001"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"00000000"
		"0000000B"
		"00000000"
		"TRAILER!!!\0\0\0";
	size_t n = pack_one(buf, sizeof(buf));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(pack_one(NULL, 0), n); /* counting gives the same size */
}

static void assert_dir(const char *path, unsigned mode)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode, 0040000u | mode);
}

/* Every archive the stub makes, with names and sizes of every remainder mod 4. */
static void test_debian_cpio_unpacks_it(void **state)
{
	(void)state;
	static const struct {
		const char *dir, *name;
		unsigned dir_mode, mode, len;
	} files[] = {
		{ ".extra/credentials", "a.cred", 0500, 0400, 1 },
		{ ".extra/credentials", "bb.cred", 0500, 0400, 6 },
		{ ".extra/global_credentials", "ccc.cred", 0500, 0400, 0 },
		{ ".extra/sysext", "d.sysext.raw", 0555, 0444, 4095 },
		{ ".extra/confext", "e.confext.raw", 0555, 0444, 2 },
		{ ".extra", "os-release", 0555, 0444, 3 },
	};
	static uint8_t content[4200];
	for (unsigned i = 0; i < sizeof(content); i++)
		content[i] = (uint8_t)(i * 7 + 1);
	struct cpio_writer w;
	uint8_t *data;
	char tmp[] = "/tmp/kb-test-cpio-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char dir[64];
	snprintf(dir, sizeof(dir), "%s/x", tmp);

	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		cpio_init(&w, buf, sizeof(buf));
		assert_kb_ok(cpio_prefix(&w, files[i].dir, files[i].dir_mode));
		/* Two files in the same directory, as a credentials drop-in holds. */
		for (unsigned k = 0; k < 2; k++) {
			char name[64];
			snprintf(name, sizeof(name), "%u%s", k, files[i].name);
			assert_kb_ok(cpio_file(&w, files[i].dir, name, files[i].len + k,
					       files[i].mode, &data));
			memcpy(data, content + k, files[i].len + k);
		}
		assert_kb_ok(cpio_trailer(&w));
		assert_int_equal(w.used % 4, 0);
		cpio_unpack(dir, buf, (size_t)w.used);
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].dir);
		assert_dir(path, files[i].dir_mode);
		snprintf(path, sizeof(path), "%s/.extra", dir);
		assert_dir(path, 0555);
		for (unsigned k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "%s/%s/%u%s", dir, files[i].dir, k,
				 files[i].name);
			assert_unpacked(path, content + k, files[i].len + k, files[i].mode);
		}
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	assert_int_equal(system(cmd), 0);
}

static void test_refusals(void **state)
{
	(void)state;
	struct cpio_writer w;
	uint8_t *data;
	size_t n = pack_one(NULL, 0);
	/* One byte short: the trailer does not fit. */
	cpio_init(&w, buf, n - 1);
	assert_kb_ok(cpio_prefix(&w, ".extra/credentials", 0500));
	assert_kb_ok(cpio_file(&w, ".extra/credentials", "a.cred", 3, 0400, &data));
	assert_kb_err(cpio_trailer(&w), KB_ERANGE);
	/* A file too big for the header's 32 bits. */
	cpio_init(&w, NULL, 0);
	assert_kb_err(cpio_file(&w, ".extra/sysext", "big.raw", 1ULL << 32, 0444, &data),
		      KB_ERANGE);
	assert_null(data);
	/* A name longer than any the stub packs. */
	char name[600];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	assert_kb_err(cpio_file(&w, ".extra", name, 1, 0444, &data), KB_EINVAL);
	assert_kb_err(cpio_prefix(&w, name, 0555), KB_EINVAL);
	assert_int_equal(w.used, 0);
	assert_int_equal(w.inode, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_as_the_stub_writes_them),
		cmocka_unit_test(test_debian_cpio_unpacks_it),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
