/* SPDX-License-Identifier: BSD-2-Clause */
/* dtb/compatible.c: the root's compatible strings in order, and the <dir>/<vendor>/<board>.dtb
 * path each names, refusing what would not stay inside the directory. */
#include "dt_testutil.h"

#include "dtb/compatible.h"
#include "lib/path.h"

static void test_root_compatible_in_order(void **state)
{
	size_t size;
	(void)state;
	void *blob = dt_compile_fixture("dt_board.dts", &size);
	assert_string_equal(dt_root_compatible(blob, 0), "acme,board1");
	assert_string_equal(dt_root_compatible(blob, 1), "acme,family");
	assert_null(dt_root_compatible(blob, 2));
	assert_null(dt_root_compatible(blob, -1));
	free(blob);
	/* No compatible at all (the fixture with a bus has none at its root). */
	blob = dt_compile_fixture("dt_soc_bus.dts", &size);
	assert_null(dt_root_compatible(blob, 0));
	free(blob);
}

static void test_compatible_paths(void **state)
{
	char out[KB_PATH_MAX];
	(void)state;
	assert_true(dt_compatible_path("/dtbs", "linux,dummy-virt", out, sizeof(out)));
	assert_string_equal(out, "/dtbs/linux/dummy-virt.dtb");
	assert_true(dt_compatible_path("/dtbs/6.12/", "rockchip,rk3588-rock-5b", out, sizeof(out)));
	assert_string_equal(out, "/dtbs/6.12/rockchip/rk3588-rock-5b.dtb");
	/* Not a "vendor,board" pair, or one that would leave the directory. */
	const char *bad[] = { "dummy-virt", ",board", "vendor,", "a,b,c", "../x,y",
			      "x,../y",     "x,..",   "..,y",    "a/b,c", "a,b/c",
			      "a\\b,c",     "",       ".,x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(out, "junk");
		if (dt_compatible_path("/dtbs", bad[i], out, sizeof(out)))
			fail_msg("\"%s\" made the path %s", bad[i], out);
		assert_string_equal(out, "");
	}
	/* Exactly fits, and one byte short: "/d/v/b.dtb" is 10 bytes and its NUL. */
	assert_true(dt_compatible_path("/d", "v,b", out, 11));
	assert_string_equal(out, "/d/v/b.dtb");
	assert_false(dt_compatible_path("/d", "v,b", out, 10));
}

/* .dtbauto: the first root strings must be equal; a blob whose header does not hold in
 * its length, or a root without compatible, never matches. */
static void test_root_compatible_match(void **state)
{
	size_t a_len, b_len;
	(void)state;
	void *a = dt_compile_fixture("dt_board.dts", &a_len);
	void *b = dt_compile_fixture("dt_soc_bus.dts", &b_len);
	assert_true(dt_root_compatible_match(a, a_len, a, a_len));
	assert_false(dt_root_compatible_match(a, a_len, b, b_len));
	assert_false(dt_root_compatible_match(b, b_len, b, b_len));
	assert_false(dt_root_compatible_match(a, a_len, a, a_len - 1));
	assert_false(dt_root_compatible_match(a, a_len, a, 8));
	assert_false(dt_root_compatible_match(NULL, 0, a, a_len));
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_compatible_in_order),
		cmocka_unit_test(test_compatible_paths),
		cmocka_unit_test(test_root_compatible_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
