/* SPDX-License-Identifier: BSD-2-Clause */
/* What a boot leaves the firmware (issue 19, points 3, 6 and 8), over the fake firmware of
 * fake_platform.h: LoaderBootCountPath names only a counted entry that was entered; a run
 * that returns ("nothing booted") leaves the firmware DT's seeds in place and fresh, and
 * the earlier LINUX_EFI_RANDOM_SEED_TABLE installed; one that boots zeroes that table once
 * kaslboot's own replaced it; a firmware DT that fails validation is ignored with one
 * warning and the kernel gets an empty tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "assert_kb.h"
#include "fake_platform.h"
#include "flow_fixture.h"
#include "image_fixture.h"
#include "lib/utf16.h"
#include "loader/bli.h"
#include "log_capture.h"
#include "loader/allocs.h"
#include "crypto/drbg.h"
#include "loader/seed_table.h"

#define RAM_BYTES         (256ULL << 20)
#define KERNEL_IMAGE_SIZE (4ULL << 20)
#define KERNEL_FILE_SIZE  (64u << 10)
/* dt_qemu_virt.dts: the firmware's kaslr-seed. */
#define FIXTURE_KASLR_SEED 0x0123456789abcdefULL
/* An earlier seed table's bytes, as a previous loader would have left them. */
#define EARLIER_BYTES 32u
#define EARLIER_FILL  0x5c

static uint8_t kernel_file[KERNEL_FILE_SIZE];

static const char linux_entry[] = "title Linux\nlinux /Image\noptions console=ttyAMA0\n";
static const char missing_entry[] = "title Broken\nlinux /missing-Image\n";

static void make_kernel(void)
{
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	for (size_t i = 64; i < sizeof(kernel_file); i++)
		kernel_file[i] = (uint8_t)(i * 7 + 3);
}

/* A fresh firmware with an RNG and the kernel; entries are added by each test. */
static void setup_esp(const char *loader_conf)
{
	fake_fw_init(RAM_BYTES);
	fake_cpu_reset();
	fake.has_rng = true;
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	if (loader_conf)
		fake_fw_add_file("/loader/loader.conf", loader_conf, strlen(loader_conf));
}

static void add_entry(const char *file_name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "/loader/entries/%s", file_name);
	fake_fw_add_file(path, text, strlen(text));
}

static bool has_file(const char *path)
{
	for (unsigned i = 0; i < fake.nfiles; i++)
		if (!strcmp(fake.files[i].path, path))
			return true;
	return false;
}

static bool run_boot(int *rc)
{
	log_capture_clear();
	return fake_cpu_run_boot(&flow_fw, rc);
}

/* ---- point 3: LoaderBootCountPath ---------------------------------------------------- */

/* A counted entry that fails uses up its try (its file is renamed), but the variable must
 * not name it when an uncounted fallback boots: systemd-bless-boot in the fallback's OS
 * would mark the broken entry good. A stale value from an earlier loader goes too. */
static void test_count_path_absent_when_uncounted_fallback_boots(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("default a\n");
	add_entry("a+3.conf", missing_entry);
	add_entry("b.conf", linux_entry);
	flow_set_var("LoaderBootCountPath", "\\loader\\entries\\stale+1-1.conf", BLI_VOLATILE);
	assert_true(run_boot(&rc));
	assert_true(fake_cpu.linux_entered);
	assert_string_equal(flow_var_text("LoaderEntrySelected"), "b.conf");
	assert_logged("falling back to entry 'b'");
	assert_true(has_file("/loader/entries/a+2-1.conf")); /* a's try is used up */
	if (fake_fw_var("LoaderBootCountPath"))
		fail_msg("LoaderBootCountPath names %s, but uncounted b booted",
			 flow_var_text("LoaderBootCountPath"));
}

/* A counted fallback: the variable names the fallback's new file, not the failed one's. */
static void test_count_path_names_counted_fallback(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("default a\n");
	add_entry("a+3.conf", missing_entry);
	add_entry("b+2.conf", linux_entry);
	assert_true(run_boot(&rc));
	assert_string_equal(flow_var_text("LoaderEntrySelected"), "b.conf");
	assert_true(has_file("/loader/entries/a+2-1.conf"));
	assert_true(has_file("/loader/entries/b+1-1.conf"));
	assert_non_null(fake_fw_var("LoaderBootCountPath"));
	assert_string_equal(flow_var_text("LoaderBootCountPath"), "\\loader\\entries\\b+1-1.conf");
}

/* Every entry fails: the firmware's next boot option runs an OS, whose systemd-bless-boot
 * must not find the failed entry named. */
static void test_count_path_absent_when_nothing_boots(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp(NULL);
	add_entry("a+3.conf", missing_entry);
	assert_false(run_boot(&rc));
	assert_true(rc < 0);
	assert_true(has_file("/loader/entries/a+2-1.conf"));
	assert_last_logged("nothing booted: returning to the firmware (");
	if (fake_fw_var("LoaderBootCountPath"))
		fail_msg("LoaderBootCountPath names %s after nothing booted",
			 flow_var_text("LoaderBootCountPath"));
}

/* ---- point 6: what a failed run leaves ----------------------------------------------- */

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static const uint8_t *fw_chosen_prop(const char *name, int *len)
{
	int chosen = fdt_path_offset(flow_fw_dt, "/chosen");
	assert_true(chosen >= 0);
	return fdt_getprop(flow_fw_dt, chosen, name, len);
}

/* The earlier table, installed in the fake firmware as a previous loader left it. */
static uint8_t *install_earlier_table(void)
{
	uint8_t *t = calloc(1, SEED_TABLE_HEADER + EARLIER_BYTES);
	uint32_t size = EARLIER_BYTES;
	assert_non_null(t);
	memcpy(t, &size, sizeof(size));
	memset(t + SEED_TABLE_HEADER, EARLIER_FILL, EARLIER_BYTES);
	assert_kb_ok(fake_platform.install_config_table(NULL, &linux_random_seed_table_guid, t));
	flow_fw.seed_table = t;
	return t;
}

/* After "nothing booted" the firmware's next boot option finds seeds in the DT (kaslboot
 * mixed the old ones: fresh bytes, never zeros) and the earlier seed table installed again,
 * also when the attempt failed after installing its own table (ExitBootServices refused). */
static void test_nothing_booted_leaves_fresh_seeds_and_the_earlier_table(void **state)
{
	(void)state;
	for (int late = 0; late < 2; late++) {
		int rc = 0, len, fw_rng_len;
		flow_firmware_init(true);
		setup_esp(NULL);
		add_entry("a.conf", late ? linux_entry : missing_entry);
		if (late)
			fake.exit_refusals = 1;
		uint8_t *earlier = install_earlier_table();
		uint8_t fw_rng[512];
		const uint8_t *p = fw_chosen_prop("rng-seed", &fw_rng_len);
		assert_non_null(p);
		memcpy(fw_rng, p, (size_t)fw_rng_len);

		assert_false(run_boot(&rc));
		assert_last_logged("nothing booted: returning to the firmware (");
		if (late)
			assert_int_equal(fake.exit_calls, 1);

		const uint8_t *seed = fw_chosen_prop("kaslr-seed", &len);
		if (!seed)
			fail_msg("the firmware DT has no kaslr-seed after nothing booted");
		assert_int_equal(len, 8);
		assert_true(be64_at(seed) != 0);
		assert_true(be64_at(seed) != FIXTURE_KASLR_SEED);
		const uint8_t *rng = fw_chosen_prop("rng-seed", &len);
		if (!rng)
			fail_msg("the firmware DT has no rng-seed after nothing booted");
		assert_int_equal(len, fw_rng_len);
		assert_false(all_zero(rng, (size_t)len));
		assert_memory_not_equal(rng, fw_rng, (size_t)len);

		if (fake_fw_table(&linux_random_seed_table_guid) != earlier)
			fail_msg("the earlier seed table is not installed after nothing booted "
				 "(late failure %d): %p",
				 late, fake_fw_table(&linux_random_seed_table_guid));
		uint32_t size;
		memcpy(&size, earlier, sizeof(size));
		assert_int_equal(size, EARLIER_BYTES);
		assert_false(all_zero(earlier + SEED_TABLE_HEADER, EARLIER_BYTES));
		unsigned same = 0;
		for (unsigned i = 0; i < EARLIER_BYTES; i++)
			same += earlier[SEED_TABLE_HEADER + i] == EARLIER_FILL;
		if (same == EARLIER_BYTES)
			fail_msg("the earlier table's bytes, which kaslboot mixed, are handed on");
		assert_null(fake_fw_var(LOADER_RANDOM_SEED_VAR));
		assert_int_equal(fake.nallocs, 0);
		fake_fw_free();
		free(earlier);
		flow_fw.seed_table = NULL;
	}
}

/* With a fixed seed (loader.conf kaslr-seed) the generator is predictable: nothing is
 * refilled from it, and the firmware's seeds are left exactly as they were found. */
static void test_nothing_booted_fixed_seed_leaves_seeds_as_found(void **state)
{
	int rc = 0, len;
	(void)state;
	flow_firmware_init(true);
	uint8_t *before = malloc(flow_fw_dt_size);
	memcpy(before, flow_fw_dt, flow_fw_dt_size);
	setup_esp("kaslr-seed 12345\n");
	add_entry("a.conf", missing_entry);
	assert_false(run_boot(&rc));
	assert_non_null(fw_chosen_prop("rng-seed", &len));
	assert_memory_equal(flow_fw_dt, before, flow_fw_dt_size);
	free(before);
}

/* A pool with fewer credited bits than the seeds claim (the DT's kaslr-seed alone: 64 bits,
 * no rng-seed, no RNG) refills nothing: the next kernel would credit a refilled rng-seed or
 * table with more than kaslboot had. The firmware's seeds stay as found, unused by any OS. */
static void test_nothing_booted_weak_pool_leaves_seeds_as_found(void **state)
{
	int rc = 0, len;
	(void)state;
	flow_firmware_init(true);
	int chosen = fdt_path_offset(flow_fw_dt, "/chosen");
	assert_true(chosen >= 0);
	assert_int_equal(fdt_delprop(flow_fw_dt, chosen, "rng-seed"), 0);
	setup_esp(NULL);
	fake.has_rng = false;
	add_entry("a.conf", missing_entry);
	assert_false(run_boot(&rc));
	const uint8_t *seed = fw_chosen_prop("kaslr-seed", &len);
	assert_non_null(seed);
	assert_int_equal(len, 8);
	if (be64_at(seed) != FIXTURE_KASLR_SEED)
		fail_msg("the firmware's kaslr-seed was replaced from a 64-bit pool");
	if (strstr(captured_log, "refilled with fresh"))
		fail_msg("refilled from a weak pool:\n%s", captured_log);
}

/* A boot that commits: the firmware DT's seeds are gone and the earlier table, replaced by
 * kaslboot's own, holds no byte of its old seed (the stub and systemd-boot zero it). */
static void test_boot_zeroes_the_replaced_table(void **state)
{
	int rc = 0, len;
	(void)state;
	flow_firmware_init(true);
	setup_esp(NULL);
	add_entry("a.conf", linux_entry);
	uint8_t *earlier = install_earlier_table();
	assert_true(run_boot(&rc));
	assert_true(fake_cpu.linux_entered);
	void *own = fake_fw_table(&linux_random_seed_table_guid);
	assert_non_null(own);
	assert_ptr_not_equal(own, earlier);
	if (!all_zero(earlier, SEED_TABLE_HEADER + EARLIER_BYTES))
		fail_msg("the earlier seed table still holds its bytes after kaslboot's "
			 "replaced it");
	const uint8_t *seed = fw_chosen_prop("kaslr-seed", &len);
	assert_true(!seed || be64_at(seed) == 0);
	assert_null(fw_chosen_prop("rng-seed", &len));
	/* The kernel's DT has kaslboot's seeds, never the firmware's. */
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	int chosen = fdt_path_offset(dt, "/chosen");
	seed = fdt_getprop(dt, chosen, "kaslr-seed", &len);
	assert_non_null(seed);
	assert_true(be64_at(seed) != FIXTURE_KASLR_SEED && be64_at(seed) != 0);
	flow_fw.seed_table = NULL;
	fake_fw_free();
	free(earlier);
}

/* The earlier table's helpers: a table of a size kaslboot does not take (over the stub's
 * 512 bytes) is never written, not even its header; putting the earlier table back, if
 * refused, at least removes kaslboot's own, whose pages are about to be freed. */
static void test_earlier_table_helpers(void **state)
{
	uint8_t big[SEED_TABLE_HEADER + 8], copy[sizeof(big)];
	uint32_t size = SEED_TABLE_PREV_MAX + 1;
	struct drbg rng;
	uint8_t key[DRBG_SEED_SIZE] = { 7 };
	(void)state;
	memset(big, 0x77, sizeof(big));
	memcpy(big, &size, sizeof(size));
	memcpy(copy, big, sizeof(big));
	drbg_seed(&rng, key);
	seed_table_retire_previous(big);
	assert_false(seed_table_refresh_previous(big, &rng));
	assert_memory_equal(big, copy, sizeof(big));
	seed_table_retire_previous(NULL);
	assert_false(seed_table_refresh_previous(NULL, &rng));

	struct kb_allocs allocs;
	bool installed;
	uint8_t *earlier;
	fake_fw_init(RAM_BYTES);
	earlier = install_earlier_table();
	kb_allocs_init(&allocs, &fake_platform);
	seed_table_install(&fake_platform, &rng, &allocs, &installed);
	assert_true(installed);
	assert_ptr_not_equal(fake_fw_table(&linux_random_seed_table_guid), earlier);
	fake.fail_at = fake.calls + 1; /* putting the earlier table back is refused */
	log_capture_clear();
	seed_table_remove(&fake_platform, earlier, &installed);
	assert_null(fake_fw_table(&linux_random_seed_table_guid));
	assert_logged("warning: the earlier random seed table cannot be put back: removed");
	kb_free_all(&allocs);
	drbg_wipe(&rng);
	flow_fw.seed_table = NULL;
	free(earlier);
}

/* ---- point 8: a firmware DT that fails validation ------------------------------------ */

/* Boots with the firmware DT flow_fw points at ignored: entered, one warning naming the
 * DT and why, and the kernel's DT is a well-formed (empty) tree of kaslboot's. */
static void boot_ignoring_firmware_dt(const char *why)
{
	int rc = 0, len;
	setup_esp(NULL);
	add_entry("a.conf", linux_entry);
	if (!run_boot(&rc))
		fail_msg("nothing booted with a bad firmware DT:\n%s", captured_log);
	assert_true(fake_cpu.linux_entered);
	assert_logged("warning: ignoring the firmware devicetree (Linux gets an empty one, as "
		      "from its EFI stub): ");
	assert_logged(why);
	if (captured_warnings != 1 || captured_errors)
		fail_msg("%d warnings, %d errors, not one warning:\n%s", captured_warnings,
			 captured_errors, captured_log);
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	assert_int_equal(fdt_check_full(dt, fdt_totalsize(dt)), 0);
	int chosen = fdt_path_offset(dt, "/chosen");
	assert_true(chosen >= 0);
	assert_string_equal(fdt_getprop(dt, chosen, "bootargs", &len), "console=ttyAMA0");
	assert_true(fdt_path_offset(dt, "/memory@40000000") < 0); /* nothing of the firmware's */
}

/* Garbage where the firmware's DT table points, on an ACPI machine: Linux boots. */
static void test_garbage_firmware_dt_under_acpi_boots(void **state)
{
	(void)state;
	flow_firmware_init(false);
	uint8_t *garbage = aligned_alloc(8, 4096);
	memset(garbage, 0xa5, 4096);
	flow_fw.acpi = true;
	flow_fw.fdt = garbage;
	flow_fw.fdt_size = 0; /* as efi/sysinfo.c gives a blob whose header fails */
	flow_fw.fdt_valid = false;
	boot_ignoring_firmware_dt("bad magic 0xa5a5a5a5");
	for (unsigned i = 0; i < 4096; i++)
		assert_int_equal(garbage[i], 0xa5); /* never written */
	flow_fw.fdt = NULL;
	free(garbage);
}

/* A DT whose header is good but whose structure fails kaslboot's stricter checks. */
static void test_malformed_firmware_dt_is_ignored(void **state)
{
	(void)state;
	flow_firmware_init(true);
	/* The tag after the root's FDT_BEGIN_NODE and its empty name: not a tag at all. */
	uint8_t *tag = (uint8_t *)flow_fw_dt + fdt_off_dt_struct(flow_fw_dt) + 8;
	tag[0] = tag[1] = tag[2] = 0;
	tag[3] = 0x0f;
	flow_fw.acpi = true;
	flow_fw.fdt_valid = false;
	boot_ignoring_firmware_dt("malformed structure");
}

/* A good DT that was not validated when gathered (efi/sysinfo.c no longer does it): it is
 * validated once and used, its seeds read and wiped, without a word. */
static void test_unchecked_good_firmware_dt_is_used(void **state)
{
	int rc = 0, len;
	(void)state;
	flow_firmware_init(true);
	flow_fw.fdt_valid = false;
	setup_esp(NULL);
	add_entry("a.conf", linux_entry);
	assert_true(run_boot(&rc));
	assert_int_equal(captured_warnings, 0);
	assert_int_equal(captured_errors, 0);
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	assert_true(fdt_path_offset(dt, "/memory@40000000") >= 0);
	assert_null(fw_chosen_prop("rng-seed", &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_count_path_absent_when_uncounted_fallback_boots,
					  flow_teardown),
		cmocka_unit_test_teardown(test_count_path_names_counted_fallback, flow_teardown),
		cmocka_unit_test_teardown(test_count_path_absent_when_nothing_boots, flow_teardown),
		cmocka_unit_test_teardown(
			test_nothing_booted_leaves_fresh_seeds_and_the_earlier_table,
			flow_teardown),
		cmocka_unit_test_teardown(test_nothing_booted_fixed_seed_leaves_seeds_as_found,
					  flow_teardown),
		cmocka_unit_test_teardown(test_nothing_booted_weak_pool_leaves_seeds_as_found,
					  flow_teardown),
		cmocka_unit_test_teardown(test_boot_zeroes_the_replaced_table, flow_teardown),
		cmocka_unit_test_teardown(test_earlier_table_helpers, flow_teardown),
		cmocka_unit_test_teardown(test_garbage_firmware_dt_under_acpi_boots, flow_teardown),
		cmocka_unit_test_teardown(test_malformed_firmware_dt_is_ignored, flow_teardown),
		cmocka_unit_test_teardown(test_unchecked_good_firmware_dt_is_used, flow_teardown),
	};
	make_kernel();
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
