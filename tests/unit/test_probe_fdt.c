/* SPDX-License-Identifier: BSD-2-Clause */
/* The probe payload's own FDT reader (tests/payload/probe_fdt.c: the probe is freestanding
 * and reads the DT through the fixmap itself) checked against libfdt: for every node of
 * the fixtures, the node is found by its path (and by its name without the unit address)
 * and every property reads back the bytes libfdt reads. Corrupted blobs must never make it
 * read outside the blob. */
#include "dt_testutil.h"

#include "../payload/probe_fdt.c"

/* The three probe_lib helpers probe_fdt.c calls, from the host's C library. */
bool probe_memeq(const void *a, const void *b, size_t n) { return memcmp(a, b, n) == 0; }
const void *probe_memchr(const void *s, int c, size_t n) { return memchr(s, c, n); }
size_t probe_strlen(const char *s) { return strlen(s); }

static const char *const fixtures[] = { "dt_qemu_virt.dts", "dt_soc_bus.dts", "dt_no_stdout.dts" };

/* Every property of the node libfdt knows at `node` reads the same through the probe. */
static void compare_props(const void *blob, const struct pfdt *dt, int lnode, int pnode)
{
	int off;
	fdt_for_each_property_offset(off, blob, lnode) {
		const char *name;
		int llen;
		const void *lval = fdt_getprop_by_offset(blob, off, &name, &llen);
		uint32_t plen = 0;
		const void *pval = pfdt_prop(dt, pnode, name, &plen);
		assert_non_null(lval);
		if (!pval)
			fail_msg("probe misses property %s", name);
		assert_int_equal(plen, llen);
		assert_memory_equal(pval, lval, (size_t)llen);
		uint64_t v;
		if (llen == 4 || llen == 8) {
			assert_true(pfdt_prop_uint(dt, pnode, name, &v));
			/* libfdt's unaligned-safe loads: 8-byte values sit at 4-byte offsets. */
			assert_int_equal(v, llen == 4 ? fdt32_ld((const fdt32_t *)lval)
						      : fdt64_ld((const fdt64_t *)lval));
		} else {
			assert_false(pfdt_prop_uint(dt, pnode, name, &v));
		}
	}
	uint32_t len;
	assert_null(pfdt_prop(dt, pnode, "no-such-property", &len));
}

static void test_every_node_and_property_matches_libfdt(void **state)
{
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(*fixtures); f++) {
		size_t size;
		void *blob = dt_compile_fixture(fixtures[f], &size);
		struct pfdt dt;
		char path[256];
		int nodes = 0;
		assert_true(pfdt_init(&dt, blob));
		for (int n = 0; n >= 0; n = fdt_next_node(blob, n, NULL)) {
			assert_int_equal(fdt_get_path(blob, n, path, sizeof(path)), 0);
			int p = pfdt_node(&dt, path, strlen(path));
			if (p < 0)
				fail_msg("%s: probe does not find %s", fixtures[f], path);
			compare_props(blob, &dt, n, p);
			/* Without the unit address the node is still found, as libfdt does. */
			char *at = strrchr(path, '@');
			if (at && !strchr(at, '/')) {
				size_t short_len = (size_t)(at - path);
				assert_true(fdt_path_offset_namelen(blob, path, (int)short_len) >= 0);
				assert_true(pfdt_node(&dt, path, short_len) >= 0);
			}
			nodes++;
		}
		assert_true(nodes > 3);
		assert_true(pfdt_node(&dt, "/no-such-node", 13) < 0);
		assert_true(fdt_path_offset(blob, "/no-such-node") < 0);
		free(blob);
	}
	(void)state;
}

static void test_bad_headers_refused(void **state)
{
	size_t size;
	uint8_t *blob = dt_compile_fixture("dt_qemu_virt.dts", &size);
	struct pfdt dt;
	uint8_t *copy = malloc(size);

	memcpy(copy, blob, size);
	copy[0] ^= 0xff;                                   /* magic */
	assert_false(pfdt_init(&dt, copy));
	memcpy(copy, blob, size);
	fdt_set_off_dt_struct(copy, (uint32_t)size + 64);  /* structure block past the end */
	assert_false(pfdt_init(&dt, copy));
	memcpy(copy, blob, size);
	fdt_set_version(copy, 16);                         /* no size_dt_struct yet */
	assert_false(pfdt_init(&dt, copy));
	free(copy);
	free(blob);
	(void)state;
}

/* Random byte flips in a guarded copy: the reader may fail to find things, but never
 * reads past the blob (the page after it is unreadable). */
static void test_corrupted_blobs_stay_in_bounds(void **state)
{
	static const char *const paths[] = { "/chosen", "/psci", "/pl011@9000000", "/pl011",
					     "/memory", "/" };
	size_t size;
	uint8_t *blob = dt_compile_fixture("dt_qemu_virt.dts", &size);
	srand(42);
	for (int round = 0; round < 3000; round++) {
		struct dt_guarded g;
		struct pfdt dt;
		dt_guard(&g, blob, size);
		uint8_t *b = g.blob;
		for (int k = 0; k < 1 + rand() % 8; k++)
			b[sizeof(struct fdt_header) + (size_t)rand() % (size - sizeof(struct fdt_header))] =
				(uint8_t)rand();
		if (rand() % 4 == 0)   /* sometimes the header too */
			b[rand() % sizeof(struct fdt_header)] = (uint8_t)rand();
		if (pfdt_init(&dt, b) && dt.size <= g.max) {
			for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
				int n = pfdt_node(&dt, paths[i], strlen(paths[i]));
				uint32_t len;
				uint64_t v;
				if (n >= 0) {
					pfdt_prop(&dt, n, "reg", &len);
					pfdt_prop(&dt, n, "method", &len);
					pfdt_prop_uint(&dt, n, "kaslr-seed", &v);
				}
			}
		}
		dt_unguard(&g);
	}
	free(blob);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_node_and_property_matches_libfdt),
		cmocka_unit_test(test_bad_headers_refused),
		cmocka_unit_test(test_corrupted_blobs_stay_in_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
