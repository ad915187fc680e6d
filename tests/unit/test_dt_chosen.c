/* SPDX-License-Identifier: BSD-2-Clause */
/* The working DT: dt_open/dt_create_minimal/dt_finish, the firmware's seeds, and every
 * /chosen property kaslboot writes, read back with libfdt, compared with big-endian bytes
 * built independently, and once round-tripped through `dtc -O dts`. */
#define _GNU_SOURCE /* memmem */
#include "dt_testutil.h"

#include <inttypes.h>

#include "dtb/buffer.h"
#include "dtb/chosen.h"
#include "dtb/efi_handoff.h"
#include "dtb/fdt_error.h"
#include "dtb/kaslboot_layout.h"
#include "dtb/seeds.h"
#include "dtb/validate.h"
#include "lib/err.h"
#include "lib/sizes.h"

#define WORK_SIZE (64u * 1024u)
static uint64_t work_buf[WORK_SIZE / 8];
static void *const work = work_buf;

/* The fixture's seeds (tests/unit/fixtures/dt_qemu_virt.dts). */
#define FIXTURE_KASLR_SEED 0x0123456789abcdefull
#define FIXTURE_RNG_SEED_LEN 64

/* Opens the QEMU-virt fixture into `work`. */
static int open_virt(void **state)
{
	size_t size;
	void *blob = dt_compile_fixture("dt_qemu_virt.dts", &size);

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_open(blob, size, "fixture", work, WORK_SIZE), KB_OK);
	assert_int_equal(fdt_totalsize(work), WORK_SIZE);
	free(blob);
	return 0;
}

static int chosen(void)
{
	int node = fdt_path_offset(work, "/chosen");

	assert_true(node >= 0);
	return node;
}

/* The property's bytes, asserting its exact length. */
static const uint8_t *prop_bytes(const char *name, int want_len)
{
	int len;
	const uint8_t *v = fdt_getprop(work, chosen(), name, &len);

	assert_non_null(v);
	assert_int_equal(len, want_len);
	return v;
}

static void assert_be(const char *name, uint64_t value, int size)
{
	uint8_t want[8];

	dt_be_bytes(value, want, size);
	assert_memory_equal(prop_bytes(name, size), want, size);
}

static void assert_absent(const char *name)
{
	int len;

	assert_null(fdt_getprop(work, chosen(), name, &len));
	assert_int_equal(len, -FDT_ERR_NOTFOUND);
}

/* ---- open / minimal / finish ------------------------------------------------------- */

static void test_open_into_small_buffer_fails(void **state)
{
	size_t size;
	void *blob = dt_compile_fixture("dt_qemu_virt.dts", &size);
	static uint64_t small[32];

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_open(blob, size, "fixture", small, sizeof(small)), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("cannot open");
	/* Misaligned destination (booting.rst wants 8 bytes). */
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_open(blob, size, "fixture", (char *)work + 4, 4096), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	/* A corrupt source never reaches fdt_open_into. */
	fdt_set_magic(blob, 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_open(blob, size, "fixture", work, WORK_SIZE), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	free(blob);
}

/* A blob whose totalsize is mostly free space (AAVMF's says 1 MiB): only its blocks are
 * copied, so it opens into a buffer smaller than its totalsize, and nothing of the free
 * space comes along. */
static void test_open_copies_the_blocks_not_the_free_space(void **state)
{
	size_t size;
	void *blob = dt_compile_fixture("dt_qemu_virt.dts", &size);
	static uint64_t roomy[(256 << 10) / 8];
	(void)state;

	log_capture_start(LOG_DEBUG);
	assert_int_equal(fdt_open_into(blob, roomy, sizeof(roomy)), 0);
	memset((char *)roomy + sizeof(roomy) - 4096, 0xa5, 4096);   /* "free space" */
	assert_true(size + 4096 < 32768);
	memset(work, 0, 65536);
	assert_int_equal(dt_open(roomy, sizeof(roomy), "roomy", work, 32768), KB_OK);
	assert_int_equal(fdt_totalsize(work), 32768);
	assert_int_equal(fdt_check_full(work, 32768), 0);
	assert_true(fdt_path_offset(work, "/chosen") >= 0);
	for (size_t i = size + 4096; i < 65536; i++)
		assert_int_equal(((uint8_t *)work)[i], 0);
	assert_int_equal(dt_open_valid(roomy, "roomy", work, 32768), KB_OK);
	assert_int_equal(fdt_check_full(work, 32768), 0);
	assert_int_equal(captured_errors, 0);
	free(blob);
}

static void test_minimal_tree(void **state)
{
	static uint64_t buf[512];
	int root, node, len;
	const fdt32_t *cells;

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_create_minimal(buf, sizeof(buf)), KB_OK);
	assert_int_equal(dt_validate(buf, sizeof(buf), "minimal"), KB_OK);
	root = fdt_path_offset(buf, "/");
	assert_int_equal(root, 0);
	/* Explicit properties, not libfdt's defaults for missing ones. */
	cells = fdt_getprop(buf, root, "#address-cells", &len);
	assert_non_null(cells);
	assert_int_equal(len, 4);
	assert_int_equal(fdt32_to_cpu(*cells), 2);
	cells = fdt_getprop(buf, root, "#size-cells", &len);
	assert_non_null(cells);
	assert_int_equal(len, 4);
	assert_int_equal(fdt32_to_cpu(*cells), 2);
	node = fdt_path_offset(buf, "/chosen");
	assert_true(node > 0);
	assert_int_equal(fdt_first_property_offset(buf, node), -FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_first_subnode(buf, node), -FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_num_mem_rsv(buf), 0);
	/* Too small a buffer: a clean error. */
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_create_minimal(buf, 64), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
}

static void test_finish_packs(void **state)
{
	size_t out = 0;

	open_virt(state);
	assert_int_equal(dt_set_bootargs(work, "root=/dev/vda"), KB_OK);
	assert_int_equal(dt_finish(work, &out), KB_OK);
	assert_int_equal(out, fdt_totalsize(work));
	assert_true(out < WORK_SIZE);
	/* Packed: the blocks end exactly at totalsize. */
	assert_int_equal(fdt_off_dt_strings(work) + fdt_size_dt_strings(work), out);
	assert_int_equal(dt_validate(work, out, "packed"), KB_OK);
	assert_string_equal((const char *)prop_bytes("bootargs", sizeof("root=/dev/vda")),
			    "root=/dev/vda");
}

static void test_finish_enforces_2mib_and_alignment(void **state)
{
	size_t big = 3u * 1024 * 1024, out = 0;
	void *buf = aligned_alloc(8, big);
	void *filler = calloc(1, BOOT_DT_MAX_SIZE);

	assert_non_null(buf);
	assert_non_null(filler);
	assert_int_equal(dt_create_minimal(buf, big), KB_OK);
	/* Packed, this tree is just over 2 MiB. */
	assert_int_equal(fdt_setprop(buf, 0, "filler", filler, (int)BOOT_DT_MAX_SIZE - 64), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_finish(buf, &out), KB_ERANGE);
	assert_int_equal(captured_errors, 1);
	assert_true(fdt_totalsize(buf) > BOOT_DT_MAX_SIZE);
	/* Just under: accepted. */
	assert_int_equal(fdt_setprop(buf, 0, "filler", filler, (int)BOOT_DT_MAX_SIZE - 256), 0);
	assert_int_equal(dt_finish(buf, &out), KB_OK);
	assert_true(out <= BOOT_DT_MAX_SIZE);
	free(filler);
	free(buf);

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_finish((char *)work + 4, &out), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
}

/* ---- seeds ------------------------------------------------------------------------- */

static void test_read_seeds(void **state)
{
	struct dt_seeds s;
	const uint8_t *rng;

	open_virt(state);
	rng = prop_bytes("rng-seed", FIXTURE_RNG_SEED_LEN);
	assert_int_equal(dt_read_seeds(work, &s), KB_OK);
	assert_true(s.has_kaslr_seed);
	assert_true(s.kaslr_seed == FIXTURE_KASLR_SEED);
	assert_int_equal(s.rng_seed_len, FIXTURE_RNG_SEED_LEN);
	assert_int_equal(s.rng_seed_dt_len, FIXTURE_RNG_SEED_LEN);
	assert_memory_equal(s.rng_seed, rng, FIXTURE_RNG_SEED_LEN);
	assert_int_equal(s.rng_seed[1], 0x11); /* the fixture's second byte */
	assert_int_equal(captured_warnings, 0);
}

static void test_bad_kaslr_seeds_are_absent(void **state)
{
	struct dt_seeds s;
	static const uint8_t four[4] = { 1, 2, 3, 4 };
	static const uint8_t nine[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

	open_virt(state);
	assert_int_equal(fdt_setprop(work, chosen(), "kaslr-seed", four, sizeof(four)), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_read_seeds(work, &s), KB_OK);
	assert_false(s.has_kaslr_seed);
	assert_true(s.kaslr_seed == 0);
	assert_int_equal(captured_warnings, 1);
	assert_last_logged("kaslr-seed");

	assert_int_equal(fdt_setprop(work, chosen(), "kaslr-seed", nine, sizeof(nine)), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_read_seeds(work, &s), KB_OK);
	assert_false(s.has_kaslr_seed);
	assert_int_equal(captured_warnings, 1);

	/* Zero means "no seed" to the kernel, and to us. */
	assert_int_equal(fdt_setprop_u64(work, chosen(), "kaslr-seed", 0), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_read_seeds(work, &s), KB_OK);
	assert_false(s.has_kaslr_seed);
	assert_int_equal(captured_warnings, 0);
	assert_int_equal(s.rng_seed_len, FIXTURE_RNG_SEED_LEN); /* unaffected */
}

/* The one kaslr-seed reader (also mm's self test's): its answer for every case, and no
 * log line in any (it runs where logging may not). */
static void test_kaslr_seed_reader(void **state)
{
	static const uint8_t four[4] = { 1, 2, 3, 4 };
	static const uint8_t garbage[64] = { 0xd0, 0x0d, 0xfe, 0xee };
	static uint64_t empty[256];
	uint64_t seed = 1;

	open_virt(state);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_kaslr_seed(work, &seed), KB_OK);
	assert_true(seed == FIXTURE_KASLR_SEED);

	assert_int_equal(fdt_setprop_u64(work, chosen(), "kaslr-seed", 0), 0);
	seed = 1;
	assert_int_equal(dt_kaslr_seed(work, &seed), KB_OK);
	assert_true(seed == 0);

	assert_int_equal(fdt_setprop(work, chosen(), "kaslr-seed", four, sizeof(four)), 0);
	seed = 1;
	assert_int_equal(dt_kaslr_seed(work, &seed), KB_EINVAL);
	assert_true(seed == 0);

	assert_int_equal(fdt_delprop(work, chosen(), "kaslr-seed"), 0);
	seed = 1;
	assert_int_equal(dt_kaslr_seed(work, &seed), KB_ENOENT);
	assert_true(seed == 0);

	assert_int_equal(fdt_create_empty_tree(empty, sizeof(empty)), 0);
	seed = 1;
	assert_int_equal(dt_kaslr_seed(empty, &seed), KB_ENOENT); /* no /chosen */
	assert_true(seed == 0);

	seed = 1;
	assert_int_equal(dt_kaslr_seed(garbage, &seed), KB_ECORRUPT);
	assert_true(seed == 0);
	assert_int_equal(captured_lines, 0);
}

static void test_long_rng_seed_is_cut(void **state)
{
	struct dt_seeds s;
	uint8_t big[DT_RNG_SEED_MAX + 88];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	open_virt(state);
	assert_int_equal(fdt_setprop(work, chosen(), "rng-seed", big, sizeof(big)), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_read_seeds(work, &s), KB_OK);
	assert_int_equal(s.rng_seed_len, DT_RNG_SEED_MAX);
	assert_int_equal(s.rng_seed_dt_len, sizeof(big));
	assert_memory_equal(s.rng_seed, big, DT_RNG_SEED_MAX);
	assert_int_equal(captured_warnings, 1);
}

static void test_no_chosen_no_seeds(void **state)
{
	static uint64_t buf[256];
	struct dt_seeds s;

	memset(&s, 0xa5, sizeof(s));
	assert_int_equal(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	assert_int_equal(dt_read_seeds(buf, &s), KB_OK);
	assert_false(s.has_kaslr_seed);
	assert_int_equal(s.rng_seed_len, 0);
	assert_int_equal(dt_wipe_seeds(buf), KB_OK);
}

static void test_wipe_seeds_in_place(void **state)
{
	uint8_t rng[FIXTURE_RNG_SEED_LEN];
	uint8_t kaslr[8];
	uint8_t zero[8] = { 0 };
	uint32_t total;
	struct dt_seeds s;

	open_virt(state);
	memcpy(rng, prop_bytes("rng-seed", FIXTURE_RNG_SEED_LEN), sizeof(rng));
	memcpy(kaslr, prop_bytes("kaslr-seed", 8), sizeof(kaslr));
	total = fdt_totalsize(work);
	assert_int_equal(dt_wipe_seeds(work), KB_OK);
	assert_int_equal(fdt_totalsize(work), total);
	assert_memory_equal(prop_bytes("kaslr-seed", 8), zero, 8);
	assert_absent("rng-seed");
	/* The bytes are gone from the whole blob, not just hidden behind NOP tags. */
	assert_null(memmem(work, total, rng, sizeof(rng)));
	assert_null(memmem(work, total, kaslr, sizeof(kaslr)));
	assert_int_equal(dt_validate(work, total, "wiped"), KB_OK);
	assert_int_equal(dt_read_seeds(work, &s), KB_OK);
	assert_false(s.has_kaslr_seed);
	assert_int_equal(s.rng_seed_len, 0);
}

/* Issue 13: libfdt's checks accept a /chosen holding two kaslr-seed (or rng-seed)
 * properties, and a second chosen node; dtc refuses to write either, so this tree is built
 * with libfdt's sequential writer. Lookups by name see the first copy only. */
#define DUP_SEED_A 0x1111111111111111ull /* /chosen's first kaslr-seed */
#define DUP_SEED_B 0x2222222222222222ull /* its second */
#define DUP_SEED_C 0x3333333333333333ull /* the kaslr-seed of /chosen@1 */
static const uint8_t dup_rng1[16] = "rng-seed-one-16";
static const uint8_t dup_rng2[16] = "rng-seed-two-16";

static void *dup_seed_tree(size_t *size)
{
	static uint64_t blob[4096 / 8];

	assert_int_equal(fdt_create(blob, sizeof(blob)), 0);
	assert_int_equal(fdt_finish_reservemap(blob), 0);
	assert_int_equal(fdt_begin_node(blob, ""), 0);
	assert_int_equal(fdt_property_u32(blob, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(blob, "#size-cells", 2), 0);
	assert_int_equal(fdt_begin_node(blob, "chosen"), 0);
	assert_int_equal(fdt_property_u64(blob, "kaslr-seed", DUP_SEED_A), 0);
	assert_int_equal(fdt_property(blob, "rng-seed", dup_rng1, sizeof(dup_rng1)), 0);
	assert_int_equal(fdt_property_string(blob, "bootargs", "firmware-args"), 0);
	assert_int_equal(fdt_property_u64(blob, "kaslr-seed", DUP_SEED_B), 0);
	assert_int_equal(fdt_property(blob, "rng-seed", dup_rng2, sizeof(dup_rng2)), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_begin_node(blob, "chosen@1"), 0);
	assert_int_equal(fdt_property_u64(blob, "kaslr-seed", DUP_SEED_C), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_finish(blob), 0);
	*size = fdt_totalsize(blob);
	return blob;
}

/* How many properties of /chosen are called `name`. */
static int count_in_chosen(const void *fdt, const char *name)
{
	int prop, len, n = 0;
	const char *pname;

	fdt_for_each_property_offset(prop, fdt, fdt_path_offset(fdt, "/chosen")) {
		assert_non_null(fdt_getprop_by_offset(fdt, prop, &pname, &len));
		n += strcmp(pname, name) == 0;
	}
	return n;
}

static void assert_no_seed_bytes(const void *fdt, size_t size)
{
	uint8_t be[8];
	const uint64_t seeds[] = { DUP_SEED_A, DUP_SEED_B, DUP_SEED_C };

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		dt_be_bytes(seeds[i], be, 8);
		assert_null(memmem(fdt, size, be, 8));
	}
	assert_null(memmem(fdt, size, dup_rng1, sizeof(dup_rng1)));
	assert_null(memmem(fdt, size, dup_rng2, sizeof(dup_rng2)));
}

static void test_duplicate_seeds_are_all_wiped(void **state)
{
	size_t size;
	void *fw = dup_seed_tree(&size);
	struct dt_seeds s;

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_validate(fw, size, "firmware DT"), KB_OK);
	assert_int_equal(count_in_chosen(fw, "kaslr-seed"), 2);
	assert_int_equal(dt_read_seeds(fw, &s), KB_OK);
	assert_true(s.kaslr_seed == DUP_SEED_A);
	assert_int_equal(captured_warnings, 2);
	assert_logged("warning: firmware DT /chosen has 2 kaslr-seed properties: reading the first, wiping all");
	assert_logged("warning: firmware DT /chosen has 2 rng-seed properties: reading the first, wiping all");

	assert_int_equal(dt_wipe_seeds(fw), KB_OK);
	assert_int_equal(fdt_totalsize(fw), size);
	assert_no_seed_bytes(fw, size);
	assert_int_equal(count_in_chosen(fw, "rng-seed"), 0);
	assert_int_equal(dt_validate(fw, size, "wiped"), KB_OK);
	assert_int_equal(dt_read_seeds(fw, &s), KB_OK);
	assert_false(s.has_kaslr_seed);
	assert_int_equal(s.rng_seed_len, 0);
}

/* A node named "chosen@" (empty unit address) is what fdt_path_offset("/chosen") finds, so
 * the kernel reads its seeds: they are wiped too. Found by tests/fuzz/fuzz_dt.c. */
static void test_seeds_in_chosen_at_empty_unit_are_wiped(void **state)
{
	static uint64_t blob[1024 / 8];
	struct dt_seeds s;

	assert_int_equal(fdt_create(blob, sizeof(blob)), 0);
	assert_int_equal(fdt_finish_reservemap(blob), 0);
	assert_int_equal(fdt_begin_node(blob, ""), 0);
	assert_int_equal(fdt_begin_node(blob, "chosen@"), 0);
	assert_int_equal(fdt_property_u64(blob, "kaslr-seed", DUP_SEED_A), 0);
	assert_int_equal(fdt_property(blob, "rng-seed", dup_rng1, sizeof(dup_rng1)), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_finish(blob), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_validate(blob, sizeof(blob), "firmware DT"), KB_OK);
	assert_int_equal(dt_read_seeds(blob, &s), KB_OK);
	assert_true(s.kaslr_seed == DUP_SEED_A);
	assert_int_equal(dt_wipe_seeds(blob), KB_OK);
	assert_no_seed_bytes(blob, fdt_totalsize(blob));
	assert_int_equal(dt_read_seeds(blob, &s), KB_OK);
	assert_false(s.has_kaslr_seed);
	assert_int_equal(s.rng_seed_len, 0);
}

/* `kaslr off` removes kaslr-seed: every copy, or the firmware's second one would become the
 * one the kernel reads. Setting a seed leaves exactly one copy, ours. */
static void test_duplicate_seeds_are_all_replaced(void **state)
{
	size_t size;
	void *fw = dup_seed_tree(&size);
	static const uint8_t ours[8] = "ourseed";
	const uint8_t *v;
	int len;

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_open(fw, size, "firmware DT", work, WORK_SIZE), KB_OK);
	assert_int_equal(dt_set_kaslr_seed(work, 0), KB_OK);
	assert_int_equal(count_in_chosen(work, "kaslr-seed"), 0);
	assert_int_equal(dt_set_rng_seed(work, NULL, 0), KB_OK);
	assert_int_equal(count_in_chosen(work, "rng-seed"), 0);
	assert_int_equal(dt_set_bootargs(work, NULL), KB_OK);
	assert_int_equal(count_in_chosen(work, "bootargs"), 0);

	assert_int_equal(dt_open(fw, size, "firmware DT", work, WORK_SIZE), KB_OK);
	assert_int_equal(dt_set_kaslr_seed(work, 0x0123456789abcdefull), KB_OK);
	assert_int_equal(count_in_chosen(work, "kaslr-seed"), 1);
	assert_be("kaslr-seed", 0x0123456789abcdefull, 8);
	assert_int_equal(dt_set_rng_seed(work, ours, sizeof(ours)), KB_OK);
	assert_int_equal(count_in_chosen(work, "rng-seed"), 1);
	v = fdt_getprop(work, chosen(), "rng-seed", &len);
	assert_non_null(v);
	assert_int_equal(len, sizeof(ours));
	assert_memory_equal(v, ours, sizeof(ours));
	assert_int_equal(dt_wipe_seeds(work), KB_OK); /* /chosen@1 still had the firmware's */
	assert_no_seed_bytes(work, fdt_totalsize(work));
	assert_int_equal(captured_errors, 0);
}

/* dt_refill_seeds' fill: zeros for its first `zeros` calls, then 0xc3 bytes. */
static unsigned refill_zeros, refill_calls;
static void refill_fill(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, refill_calls++ < refill_zeros ? 0 : 0xc3, len);
}

/* A run that returns to the firmware refills every seed it mixed, in place: every copy in
 * every chosen node, the tree's size unchanged, a kaslr-seed never zero. */
static void test_refill_seeds_in_place(void **state)
{
	size_t size;
	void *fw = dup_seed_tree(&size);
	uint8_t c3[16];
	unsigned count;
	const uint8_t *v;
	int len;

	log_capture_start(LOG_DEBUG);
	memset(c3, 0xc3, sizeof(c3));
	refill_zeros = 1; /* the first kaslr-seed is drawn twice */
	refill_calls = 0;
	assert_int_equal(dt_refill_seeds(fw, refill_fill, NULL, &count), KB_OK);
	assert_int_equal(count, 5); /* two kaslr-seed and two rng-seed in /chosen, one in @1 */
	assert_int_equal(refill_calls, 6);
	assert_int_equal(fdt_totalsize(fw), size);
	assert_int_equal(dt_validate(fw, size, "refilled"), KB_OK);
	assert_no_seed_bytes(fw, size);
	v = fdt_getprop(fw, fdt_path_offset(fw, "/chosen"), "kaslr-seed", &len);
	assert_int_equal(len, 8);
	assert_memory_equal(v, c3, 8);
	v = fdt_getprop(fw, fdt_path_offset(fw, "/chosen"), "rng-seed", &len);
	assert_int_equal(len, sizeof(dup_rng1));
	assert_memory_equal(v, c3, sizeof(dup_rng1));
	assert_string_equal(fdt_getprop(fw, fdt_path_offset(fw, "/chosen"), "bootargs", &len),
			    "firmware-args");

	/* A wiped DT has no rng-seed to refill: it is not brought back. */
	assert_int_equal(dt_wipe_seeds(fw), KB_OK);
	assert_int_equal(dt_refill_seeds(fw, refill_fill, NULL, &count), KB_OK);
	assert_int_equal(count, 3);
	assert_int_equal(count_in_chosen(fw, "rng-seed"), 0);
	assert_int_equal(captured_errors, 0);
}

/* ---- Linux /chosen ----------------------------------------------------------------- */

static void test_bootargs(void **state)
{
	static const char args[] = "console=ttyAMA0 root=/dev/vda2 quiet";
	char longline[DT_CMDLINE_MAX + 1];

	open_virt(state);
	assert_string_equal((const char *)prop_bytes("bootargs", sizeof("firmware-args")),
			    "firmware-args");
	assert_int_equal(dt_set_bootargs(work, args), KB_OK);
	assert_string_equal((const char *)prop_bytes("bootargs", sizeof(args)), args);
	assert_int_equal(dt_set_bootargs(work, ""), KB_OK);
	assert_absent("bootargs");
	assert_int_equal(dt_set_bootargs(work, NULL), KB_OK); /* absent stays absent */
	assert_absent("bootargs");

	/* The kernel keeps DT_CMDLINE_MAX - 1 characters: exactly that fits, one more fails. */
	memset(longline, 'a', sizeof(longline));
	longline[DT_CMDLINE_MAX - 1] = '\0';
	assert_int_equal(dt_set_bootargs(work, longline), KB_OK);
	prop_bytes("bootargs", DT_CMDLINE_MAX);
	longline[DT_CMDLINE_MAX - 1] = 'a';
	longline[DT_CMDLINE_MAX] = '\0';
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_set_bootargs(work, longline), KB_ERANGE);
	assert_int_equal(captured_errors, 1);
}

static void test_initrd(void **state)
{
	open_virt(state);
	assert_int_equal(dt_set_initrd(work, 0x48000000, 0x48123000), KB_OK);
	assert_be("linux,initrd-start", 0x48000000, 8);
	assert_be("linux,initrd-end", 0x48123000, 8);
	/* Above 4 GiB needs the high cell. */
	assert_int_equal(dt_set_initrd(work, 0x8040000000ull, 0x8040200000ull), KB_OK);
	assert_be("linux,initrd-start", 0x8040000000ull, 8);
	assert_be("linux,initrd-end", 0x8040200000ull, 8);
	assert_int_equal(dt_set_initrd(work, 0x1000, 0x1000), KB_OK);
	assert_absent("linux,initrd-start");
	assert_absent("linux,initrd-end");
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_set_initrd(work, 0x2000, 0x1000), KB_ERANGE);
	assert_int_equal(captured_errors, 1);
}

static void test_kaslr_and_rng_seed(void **state)
{
	uint8_t seed[48];

	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0xc0 ^ i);
	open_virt(state);
	assert_int_equal(dt_set_kaslr_seed(work, 0x1122334455667788ull), KB_OK);
	assert_be("kaslr-seed", 0x1122334455667788ull, 8);
	assert_int_equal(dt_set_kaslr_seed(work, 0), KB_OK);
	assert_absent("kaslr-seed");

	assert_int_equal(dt_set_rng_seed(work, seed, sizeof(seed)), KB_OK);
	assert_memory_equal(prop_bytes("rng-seed", sizeof(seed)), seed, sizeof(seed));
	assert_int_equal(dt_set_rng_seed(work, NULL, 0), KB_OK);
	assert_absent("rng-seed");
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_set_rng_seed(work, seed, DT_RNG_SEED_MAX + 1), KB_ERANGE);
	assert_int_equal(captured_errors, 1);
}

static void test_delete_memreserve(void **state)
{
	open_virt(state);
	assert_int_equal(fdt_num_mem_rsv(work), 2);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_delete_memreserve(work), KB_OK);
	assert_int_equal(fdt_num_mem_rsv(work), 0);
	assert_last_logged("deleted 2");
	assert_int_equal(dt_delete_memreserve(work), KB_OK);
	assert_int_equal(fdt_num_mem_rsv(work), 0);
	assert_int_equal(dt_validate(work, WORK_SIZE, "no memreserve"), KB_OK);
}

static void test_chosen_created_when_missing(void **state)
{
	static uint64_t buf[256];

	assert_int_equal(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	assert_int_equal(fdt_path_offset(buf, "/chosen"), -FDT_ERR_NOTFOUND);
	assert_int_equal(dt_set_kaslr_seed(buf, 42), KB_OK);
	assert_true(fdt_path_offset(buf, "/chosen") > 0);
	assert_int_equal(dt_chosen_offset(buf), fdt_path_offset(buf, "/chosen"));
}

static void test_full_buffer_is_a_clean_error(void **state)
{
	size_t size;
	void *blob = dt_compile_fixture("dt_qemu_virt.dts", &size);
	static uint64_t tight[1024];

	/* No free space at all: every growing edit must fail with KB_ENOMEM, one line. */
	assert_true(size <= sizeof(tight));
	assert_int_equal(dt_open(blob, size, "fixture", tight, size), KB_OK);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_set_bootargs(tight, "a much longer command line than firmware's"),
			 KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("full");
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_set_efi_handoff(tight, 0x1000, DT_SECURE_BOOT_DISABLED), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_set_initrd(tight, 1, 2), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	free(blob);
}

/* Every dtb/ file that edits /chosen reports a failure through dt_chosen_prop_failed():
 * one error line naming the property, and libfdt's error mapped to enum kb_err. */
static void test_chosen_prop_failed_names_the_property(void **state)
{
	struct dt_kaslboot_layout l = { .image_size = 0x1000 };
	static uint64_t tight[1024];
	size_t size;
	void *blob = dt_compile_fixture("dt_qemu_virt.dts", &size);

	(void)state;
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_chosen_prop_failed("bootargs", -FDT_ERR_NOSPACE), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("DT /chosen/bootargs: the DT buffer is full");
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_chosen_prop_failed("rng-seed", -FDT_ERR_BADSTRUCTURE), KB_ECORRUPT);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("DT /chosen/rng-seed: ");
	assert_last_logged(fdt_strerror(-FDT_ERR_BADSTRUCTURE));

	/* The layout writer goes through it too. */
	assert_true(size <= sizeof(tight));
	assert_int_equal(dt_open(blob, size, "fixture", tight, size), KB_OK);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_set_kaslboot_layout(tight, &l), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("DT /chosen/kaslboot,layout-version: the DT buffer is full");
	free(blob);
}

/* ---- EFI handoff ------------------------------------------------------------------- */

static void test_efi_placeholders_then_in_place_update(void **state)
{
	uint8_t before[WORK_SIZE];
	size_t out;

	open_virt(state);
	assert_int_equal(dt_set_efi_handoff(work, 0xbff0f018ull, DT_SECURE_BOOT_DISABLED), KB_OK);
	assert_be("linux,uefi-system-table", 0xbff0f018ull, 8);
	assert_be("linux,uefi-mmap-start", UINT64_MAX, 8);
	assert_be("linux,uefi-mmap-size", UINT32_MAX, 4);
	assert_be("linux,uefi-mmap-desc-size", UINT32_MAX, 4);
	assert_be("linux,uefi-mmap-desc-ver", UINT32_MAX, 4);
	assert_be("linux,uefi-secure-boot", 2, 4); /* efi_secureboot_mode_disabled */

	assert_int_equal(dt_finish(work, &out), KB_OK);
	memcpy(before, work, out);
	assert_int_equal(dt_update_efi_mmap(work, 0x13f000000ull, 0x1230, 48, 1), KB_OK);
	/* Same size, same layout: only the four values changed. */
	assert_int_equal(fdt_totalsize(work), out);
	assert_int_equal(fdt_off_dt_strings(work), fdt_off_dt_strings(before));
	assert_int_equal(fdt_size_dt_struct(work), fdt_size_dt_struct(before));
	assert_be("linux,uefi-mmap-start", 0x13f000000ull, 8);
	assert_be("linux,uefi-mmap-size", 0x1230, 4);
	assert_be("linux,uefi-mmap-desc-size", 48, 4);
	assert_be("linux,uefi-mmap-desc-ver", 1, 4);
	assert_be("linux,uefi-system-table", 0xbff0f018ull, 8);
	{
		size_t changed = 0;

		for (size_t i = 0; i < out; i++)
			changed += ((uint8_t *)work)[i] != before[i];
		assert_true(changed > 0 && changed <= 8 + 4 + 4 + 4);
	}
}

static void test_efi_update_needs_placeholders(void **state)
{
	open_virt(state);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_update_efi_mmap(work, 1, 2, 3, 4), KB_ENOENT);
	assert_int_equal(captured_errors, 1);
	/* A placeholder of the wrong size cannot be filled in place. */
	assert_int_equal(fdt_setprop_u32(work, chosen(), "linux,uefi-mmap-start", 0), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_update_efi_mmap(work, 1, 2, 3, 4), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_set_efi_handoff(work, 0x1000, (enum dt_secure_boot)7), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	assert_int_equal(dt_set_efi_handoff(work, 0x1000, DT_SECURE_BOOT_ENABLED), KB_OK);
	assert_be("linux,uefi-secure-boot", 3, 4);
}

/* ---- kaslboot layout --------------------------------------------------------------- */

static const struct dt_kaslboot_layout sample_layout = {
	.version = 99, /* ignored by the writer */
	.image_pa = 0x47e00000ull,
	.image_va = 0xffff9a5c4a200000ull,
	.image_size = 0x600000ull,
	.linear_map_offset = 0xffff3b2000000000ull - 0x40000000ull,
	.fixmap_va = 0xfffffbfffde00000ull,
	.fixmap_size = 0x400000ull,
	.uart_va = 0xfffffbfffdffe000ull,
	.stack_top_va = 0xffff9a5c4b010000ull,
	.stack_size = 0x10000ull,
	.idmap_pa = 0x7fe3c000ull,
	.idmap_size = 0x1000ull,
};

static void test_kaslboot_layout_round_trip(void **state)
{
	struct dt_kaslboot_layout got;
	static const char *const names[] = {
		"kaslboot,layout-version", "kaslboot,image-phys-base", "kaslboot,image-virt-base",
		"kaslboot,image-size", "kaslboot,linear-map-offset", "kaslboot,fixmap-base",
		"kaslboot,fixmap-size", "kaslboot,uart-virt-base", "kaslboot,stack-top",
		"kaslboot,stack-size", "kaslboot,idmap-base", "kaslboot,idmap-size",
	};

	open_virt(state);
	assert_int_equal(dt_set_kaslboot_layout(work, &sample_layout), KB_OK);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		prop_bytes(names[i], 8);
	assert_be("kaslboot,layout-version", KASLBOOT_LAYOUT_VERSION, 8);
	assert_be("kaslboot,image-virt-base", sample_layout.image_va, 8);
	assert_be("kaslboot,linear-map-offset", sample_layout.linear_map_offset, 8);
	assert_be("kaslboot,idmap-size", sample_layout.idmap_size, 8);

	assert_int_equal(dt_get_kaslboot_layout(work, &got), KB_OK);
	assert_int_equal(got.version, KASLBOOT_LAYOUT_VERSION);
	got.version = sample_layout.version;
	assert_memory_equal(&got, &sample_layout, sizeof(got));

	/* The reader insists on every property at its size, and on the version. */
	assert_int_equal(fdt_setprop_u32(work, chosen(), "kaslboot,stack-size", 1), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_get_kaslboot_layout(work, &got), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	assert_int_equal(fdt_delprop(work, chosen(), "kaslboot,stack-size"), 0);
	assert_int_equal(dt_get_kaslboot_layout(work, &got), KB_ENOENT);
	assert_int_equal(dt_set_kaslboot_layout(work, &sample_layout), KB_OK);
	assert_int_equal(fdt_setprop_u64(work, chosen(), "kaslboot,layout-version", 2), 0);
	assert_int_equal(dt_get_kaslboot_layout(work, &got), KB_EUNSUPP);
}

/* ---- dtc cross-check --------------------------------------------------------------- */

/* Finds `name = <...>;` in dtc's text and parses its cells. Returns the cell count. */
static int dts_cells(const char *text, const char *name, uint32_t *cells, int max)
{
	char key[128];
	const char *p;
	int n = 0;

	snprintf(key, sizeof(key), "\t%s = <", name);
	p = strstr(text, key);
	if (!p)
		return -1;
	p += strlen(key);
	while (*p != '>' && n < max) {
		char *end;

		cells[n++] = (uint32_t)strtoul(p, &end, 0);
		assert_true(end != p);
		p = end;
		while (*p == ' ')
			p++;
	}
	return n;
}

static void test_dtc_round_trip(void **state)
{
	size_t out;
	char *text;
	uint32_t c[4];

	open_virt(state);
	assert_int_equal(dt_delete_memreserve(work), KB_OK);
	assert_int_equal(dt_set_bootargs(work, "console=ttyAMA0 quiet"), KB_OK);
	assert_int_equal(dt_set_initrd(work, 0x8048000000ull, 0x8048400000ull), KB_OK);
	assert_int_equal(dt_set_kaslr_seed(work, 0x1122334455667788ull), KB_OK);
	assert_int_equal(dt_set_efi_handoff(work, 0xbff0f018ull, DT_SECURE_BOOT_ENABLED), KB_OK);
	assert_int_equal(dt_set_kaslboot_layout(work, &sample_layout), KB_OK);
	assert_int_equal(dt_finish(work, &out), KB_OK);
	assert_int_equal(dt_update_efi_mmap(work, 0x13f000000ull, 0x1230, 48, 1), KB_OK);

	text = dt_decompile(work);
	assert_non_null(strstr(text, "bootargs = \"console=ttyAMA0 quiet\";"));
	assert_null(strstr(text, "/memreserve/"));
	assert_int_equal(dts_cells(text, "kaslr-seed", c, 4), 2);
	assert_int_equal(c[0], 0x11223344);
	assert_int_equal(c[1], 0x55667788);
	assert_int_equal(dts_cells(text, "linux,initrd-start", c, 4), 2);
	assert_int_equal(c[0], 0x80);
	assert_int_equal(c[1], 0x48000000);
	assert_int_equal(dts_cells(text, "linux,initrd-end", c, 4), 2);
	assert_int_equal(c[1], 0x48400000);
	assert_int_equal(dts_cells(text, "linux,uefi-mmap-start", c, 4), 2);
	assert_int_equal(c[0], 0x1);
	assert_int_equal(c[1], 0x3f000000);
	assert_int_equal(dts_cells(text, "linux,uefi-mmap-size", c, 4), 1);
	assert_int_equal(c[0], 0x1230);
	assert_int_equal(dts_cells(text, "linux,uefi-mmap-desc-size", c, 4), 1);
	assert_int_equal(c[0], 48);
	assert_int_equal(dts_cells(text, "linux,uefi-mmap-desc-ver", c, 4), 1);
	assert_int_equal(c[0], 1);
	assert_int_equal(dts_cells(text, "linux,uefi-secure-boot", c, 4), 1);
	assert_int_equal(c[0], 3);
	assert_int_equal(dts_cells(text, "linux,uefi-system-table", c, 4), 2);
	assert_int_equal(c[1], 0xbff0f018);
	assert_int_equal(dts_cells(text, "kaslboot,image-virt-base", c, 4), 2);
	assert_int_equal(c[0], 0xffff9a5c);
	assert_int_equal(c[1], 0x4a200000);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_into_small_buffer_fails),
		cmocka_unit_test(test_open_copies_the_blocks_not_the_free_space),
		cmocka_unit_test(test_minimal_tree),
		cmocka_unit_test(test_finish_packs),
		cmocka_unit_test(test_finish_enforces_2mib_and_alignment),
		cmocka_unit_test(test_read_seeds),
		cmocka_unit_test(test_bad_kaslr_seeds_are_absent),
		cmocka_unit_test(test_kaslr_seed_reader),
		cmocka_unit_test(test_long_rng_seed_is_cut),
		cmocka_unit_test(test_no_chosen_no_seeds),
		cmocka_unit_test(test_wipe_seeds_in_place),
		cmocka_unit_test(test_duplicate_seeds_are_all_wiped),
		cmocka_unit_test(test_duplicate_seeds_are_all_replaced),
		cmocka_unit_test(test_seeds_in_chosen_at_empty_unit_are_wiped),
		cmocka_unit_test(test_refill_seeds_in_place),
		cmocka_unit_test(test_bootargs),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test(test_kaslr_and_rng_seed),
		cmocka_unit_test(test_delete_memreserve),
		cmocka_unit_test(test_chosen_created_when_missing),
		cmocka_unit_test(test_full_buffer_is_a_clean_error),
		cmocka_unit_test(test_chosen_prop_failed_names_the_property),
		cmocka_unit_test(test_efi_placeholders_then_in_place_update),
		cmocka_unit_test(test_efi_update_needs_placeholders),
		cmocka_unit_test(test_kaslboot_layout_round_trip),
		cmocka_unit_test(test_dtc_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
